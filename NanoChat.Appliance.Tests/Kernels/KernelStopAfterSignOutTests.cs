using Stopwatch = System.Diagnostics.Stopwatch;
using NanoChat.Appliance.Accounts;
using NanoChat.Appliance.Admin;
using NanoChat.Appliance.Kernels;

namespace NanoChat.Appliance.Tests.Kernels;

/// <summary>Signing out frees the worker after a short grace, but never cuts off a running cell.</summary>
[Collection(PythonKernelCollection.Name)]
public sealed class KernelStopAfterSignOutTests
{
    private static int? WorkerPid(KernelSession session) =>
        session.Server.Services.GetRequiredService<KernelManager>().List().SingleOrDefault(kernel => kernel.UserId == session.Student.Id)?.Pid;

    private static async Task SignOutElsewhereAsync(KernelSession session)
    {
        using var other = await session.Server.SignInAsync(session.Student.Username);
        Assert.True((await other.Http.PostAsync("/api/auth/logout", null)).IsSuccessStatusCode);
    }

    private static async Task<TimeSpan> WaitUntilGoneAsync(int pid, double seconds)
    {
        var clock = Stopwatch.StartNew();
        while (Directory.Exists($"/proc/{pid}"))
        {
            Assert.True(clock.Elapsed.TotalSeconds < seconds, $"the worker {pid} still runs {clock.Elapsed.TotalSeconds:0.#} s after sign-out");
            await Task.Delay(100);
        }
        return clock.Elapsed;
    }

    [Fact]
    public async Task Sign_out_stops_the_worker_after_the_grace_and_says_why_in_the_events()
    {
        await using var session = await KernelSession.StartAsync(options => options.Kernels.SignOutStopGraceSeconds = 1, username: "sian");
        Assert.Equal("ok", (await session.RunAsync("x = 1")).Status);
        var pid = WorkerPid(session) ?? throw new InvalidOperationException("no worker");
        Assert.True(Directory.Exists($"/proc/{pid}"));

        await SignOutElsewhereAsync(session);
        var gone = await WaitUntilGoneAsync(pid, 1 + 5);
        Assert.True(gone.TotalSeconds >= 0.9, $"stopped after {gone.TotalSeconds:0.##} s, before the grace");
        var events = session.Server.Services.GetRequiredService<EventLog>();
        await KernelControlTests.WaitUntilAsync(() => Task.FromResult(events.Recent(50).Any(entry =>
            entry.Kind == EventLog.Kinds.KernelEnded && entry.Subject == "sian" && entry.Detail.Contains("signed out", StringComparison.Ordinal))), 5);
    }

    [Fact]
    public async Task A_cell_running_at_sign_out_finishes_and_then_the_worker_stops()
    {
        await using var session = await KernelSession.StartAsync(options => options.Kernels.SignOutStopGraceSeconds = 0.5, username: "tomas");
        Assert.Equal("ok", (await session.RunAsync("x = 1")).Status);
        var pid = WorkerPid(session) ?? throw new InvalidOperationException("no worker");
        var run = session.RunAsync("import time\nstarted = time.time()\nwhile time.time() - started < 4: time.sleep(0.05)\n'finished'");
        await KernelControlTests.WaitUntilAsync(() => Task.FromResult(session.Server.Services.GetRequiredService<KernelManager>().IsRunningCode(session.Student.Id)));

        await SignOutElsewhereAsync(session);
        var result = await run.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("ok", result.Status);
        Assert.Equal("'finished'", result.Result);
        await WaitUntilGoneAsync(pid, 5);
    }

    [Fact]
    public async Task Signing_in_again_within_the_grace_keeps_the_variables()
    {
        await using var session = await KernelSession.StartAsync(options => options.Kernels.SignOutStopGraceSeconds = 2, username: "ugo");
        Assert.Equal("ok", (await session.RunAsync("x = 41")).Status);
        await SignOutElsewhereAsync(session);
        using var again = await session.Server.SignInAsync("ugo");
        await Task.Delay(TimeSpan.FromSeconds(3.5));
        Assert.Equal("42", (await session.RunAsync("x + 1", http: again.Http)).Result);
    }

    [Fact]
    public async Task The_instructors_password_reset_stops_the_worker_too()
    {
        await using var session = await KernelSession.StartAsync(options => options.Kernels.SignOutStopGraceSeconds = 1, username: "vida");
        Assert.Equal("ok", (await session.RunAsync("x = 1")).Status);
        var pid = WorkerPid(session) ?? throw new InvalidOperationException("no worker");
        using var instructor = await session.Server.SignUpAsync("reset-lead");
        var users = session.Server.Services.GetRequiredService<UserStore>();
        session.Server.Services.GetRequiredService<AccountAdmin>().ResetPassword(users.FindById(session.Student.Id)!, users.FindById(instructor.Id)!);
        await WaitUntilGoneAsync(pid, 1 + 5);
    }
}
