using NanoChat.Appliance.Admin;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Tutorials;

/// <summary>
/// The Tutorials page on a box without a GPU says so beside the GPU tutorial (it can still be opened
/// and read); on a box with one it does not. The box's GPU is outside the test's control, so the
/// probe's answer is given.
/// </summary>
public sealed class TutorialGpuNoticeTests
{
    private static readonly GpuProbe.Reading NoGpu = new([], [], "no GPU (nvidia-smi not found)");
    private static readonly GpuProbe.Reading OneGpu = new([new GpuProbe.Gpu("GPU-1", 0, "NVIDIA H200", 0, 0, 143_771)], [], null);

    private static async Task<string> TutorialsPageAsync(GpuProbe.Reading reading)
    {
        await using var server = await ApplianceServer.StartAsync(
            configure: options => options.NightlyBackupHour = -1,
            configureBuilder: builder => builder.Services.AddSingleton(new GpuPresence(() => reading)));
        using var student = await server.SignUpAsync("amy");
        return await student.Http.GetStringAsync("/tutorials");
    }

    private static string Entry(string page, string slug)
    {
        var start = page.IndexOf($"id=\"tutorial-{slug}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no tutorial {slug} on the page");
        var end = page.IndexOf("</li>", start, StringComparison.Ordinal);
        return page[start..end];
    }

    [Fact]
    public async Task A_gpu_tutorial_on_a_box_without_a_gpu_says_it_needs_one()
    {
        var page = await TutorialsPageAsync(NoGpu);
        Assert.Contains("needs a GPU; this box has none", Entry(page, "nanochat-walkthrough"), StringComparison.Ordinal);
        Assert.Contains("Open", Entry(page, "nanochat-walkthrough"), StringComparison.Ordinal);
        Assert.DoesNotContain("this box has none", Entry(page, "tiny-gpt-cpu"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_a_box_with_a_gpu_nothing_is_said()
    {
        var page = await TutorialsPageAsync(OneGpu);
        Assert.DoesNotContain("this box has none", page, StringComparison.Ordinal);
    }
}
