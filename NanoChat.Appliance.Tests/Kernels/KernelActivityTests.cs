using System.Net;
namespace NanoChat.Appliance.Tests.Kernels;

/// <summary>A cell that runs longer than the kiosk idle limit does not sign its student out.</summary>
[Collection(PythonKernelCollection.Name)]
public sealed class KernelActivityTests
{
    [Fact]
    public async Task A_cell_running_past_the_idle_limit_keeps_the_student_signed_in()
    {
        await using var session = await KernelSession.StartAsync(options => options.IdleSignoutMinutes = 0.05, username: "vera"); // 3 s
        Assert.Equal("ok", (await session.RunAsync("x = 1")).Status);

        var run = await session.RunAsync("import time\nstarted = time.time()\nwhile time.time() - started < 6: time.sleep(0.05)\n'finished'");
        Assert.Equal("'finished'", run.Result);
        Assert.Equal(HttpStatusCode.OK, (await session.Http.GetAsync("/api/me")).StatusCode);

        // The limit is in force: with nothing running and no request, the session ends.
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.Equal(HttpStatusCode.Unauthorized, (await session.Http.GetAsync("/api/me")).StatusCode);
    }
}
