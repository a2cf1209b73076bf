namespace NanoChat.Appliance.Tests.Kernels;

/// <summary>GPU and nanochat facts: run wherever a GPU or a checkout is present, skipped (with the reason) elsewhere.</summary>
[Collection(PythonKernelCollection.Name)]
public sealed class GpuKernelTests
{
    [RequiresGpuFact]
    public async Task The_gpu_is_visible_in_the_sandbox_with_the_memory_fraction_applied_and_reported()
    {
        await using var session = await KernelSession.StartAsync(options => options.Kernels.GpuMemoryFraction = 0.5);
        await session.RunAsync("import torch\nx = torch.ones(1024, 1024, device='cuda')");
        var run = await session.RunAsync("""
            free, total = torch.cuda.mem_get_info()
            try:
                torch.empty(int(total * 0.6) // 4, dtype=torch.float32, device='cuda')
                print('allocated')
            except RuntimeError:
                print('refused')
            """);
        Assert.Equal("refused\n", run.Stdout);
        await Task.Delay(1500);
        var status = await (await session.Http.GetAsync("/api/kernel")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("\"gpuBytes\":0", status, StringComparison.Ordinal);
    }

    [RequiresNanochatFact]
    public async Task The_nanochat_checkout_is_importable_with_its_venv()
    {
        var folder = Environment.GetEnvironmentVariable("NANOCHAT_DIR")!;
        await using var session = await KernelSession.StartAsync(options =>
        {
            options.PythonPath = null;
            options.NanochatDirectory = folder;
        });
        var run = await session.RunAsync("import nanochat, os; os.environ['NANOCHAT_BASE_DIR'].endswith('.cache/nanochat')");
        Assert.Equal("True", run.Result);
    }
}
