using System.Diagnostics;
using System.Net.Http.Json;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Kernels;

/// <summary>Interrupt, kill after the grace period, restart, and workers that die from outside.</summary>
[Collection(PythonKernelCollection.Name)]
public sealed class KernelControlTests
{
    private static async Task<CellRun> RunThenInterruptAsync(KernelSession session, string code, string waitForText)
    {
        var run = session.RunAsync(code);
        await WaitUntilAsync(async () => (await (await session.Http.GetAsync("/api/kernel")).ReadJsonAsync())["state"]!.ToString() == "busy");
        await Task.Delay(300); // let the cell reach the slow part (it prints waitForText first)
        var answer = await session.Http.PostAsync("/api/kernel/interrupt", null);
        Assert.True(answer.IsSuccessStatusCode);
        var result = await run.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Contains(waitForText, result.Stdout, StringComparison.Ordinal);
        return result;
    }

    internal static async Task WaitUntilAsync(Func<Task<bool>> condition, double seconds = 30)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed.TotalSeconds < seconds, "timed out waiting");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Interrupting_a_busy_loop_and_a_sleep_keeps_the_state()
    {
        await using var session = await KernelSession.StartAsync();
        await session.RunAsync("kept = 'still here'");
        var loop = await RunThenInterruptAsync(session, "print('looping', flush=True)\nwhile True:\n    pass", "looping");
        Assert.Equal("interrupted", loop.Status);
        Assert.Equal("KeyboardInterrupt", (string?)loop.Error!["ename"]);
        var sleep = await RunThenInterruptAsync(session, "import time\nprint('sleeping', flush=True)\ntime.sleep(60)", "sleeping");
        Assert.Equal("interrupted", sleep.Status);
        var after = await session.RunAsync("kept");
        Assert.Equal("'still here'", after.Result);
    }

    [Fact]
    public async Task An_uninterruptible_call_is_killed_after_the_grace_period_and_the_student_is_told()
    {
        await using var session = await KernelSession.StartAsync(options => options.Kernels.InterruptGraceSeconds = 1);
        await session.RunAsync("lost = 1");
        var clock = Stopwatch.StartNew();
        // libc sleep() through ctypes with SIGINT blocked: neither the signal nor the async exception can stop it.
        var run = await RunThenInterruptAsync(session, """
            import ctypes, signal
            signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGINT])
            print('native', flush=True)
            ctypes.CDLL(None).sleep(30)
            """, "native");
        Assert.True(clock.Elapsed.TotalSeconds < 20, $"took {clock.Elapsed}");
        Assert.Equal("killed", run.Status);
        Assert.Contains("did not stop within 1 s", (string?)run.Done["reason"], StringComparison.Ordinal);
        Assert.Equal("KernelDied", (string?)run.Error!["ename"]);
        var next = await session.RunAsync("'lost' in globals()");
        Assert.Equal("False", next.Result);
        Assert.Contains(next.Events, e => (string?)e.Data["type"] == "status" && ((string?)e.Data["message"] ?? "").Contains("did not stop", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Restart_clears_the_state_and_starts_a_new_process()
    {
        await using var session = await KernelSession.StartAsync();
        await session.RunAsync("gone = 1");
        var before = await (await session.Http.GetAsync("/api/kernel")).ReadJsonAsync();
        var restarted = await (await session.Http.PostAsync("/api/kernel/restart", null)).ReadJsonAsync();
        Assert.Equal("idle", (string?)restarted["state"]);
        Assert.NotEqual((int)before["pid"]!, (int)restarted["pid"]!);
        var after = await session.RunAsync("'gone' in globals()");
        Assert.Equal("False", after.Result);
    }

    [Fact]
    public async Task A_worker_killed_from_outside_is_reported_in_the_running_cell()
    {
        await using var session = await KernelSession.StartAsync();
        var run = session.RunAsync("import time\nprint('waiting', flush=True)\ntime.sleep(60)");
        await WaitUntilAsync(async () => (await (await session.Http.GetAsync("/api/kernel")).ReadJsonAsync())["state"]!.ToString() == "busy");
        await Task.Delay(300);
        var status = await (await session.Http.GetAsync("/api/kernel")).ReadJsonAsync();
        var cgroup = status["cgroupFolders"]!.AsArray().Select(f => (string)f!).First(f => f.Contains("memory", StringComparison.Ordinal) || !f.Contains("pids", StringComparison.Ordinal));
        // kill -9 every process of the worker (what the OOM killer or an admin would do).
        foreach (var pid in File.ReadAllLines(Path.Combine(cgroup, "cgroup.procs")))
            Process.Start("kill", ["-9", pid])!.WaitForExit();
        var result = await run.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("killed", result.Status);
        Assert.Contains("signal 9", (string?)result.Done["reason"], StringComparison.Ordinal);
        Assert.Equal("ok", (await session.RunAsync("1")).Status);
    }

    [Fact]
    public async Task An_instructor_can_list_and_stop_a_students_kernel_with_a_reason()
    {
        await using var session = await KernelSession.StartAsync();
        var run = session.RunAsync("import time\ntime.sleep(60)");
        await WaitUntilAsync(async () => (await (await session.Http.GetAsync("/api/kernel")).ReadJsonAsync())["state"]!.ToString() == "busy");
        var kernels = session.Server.Services.GetRequiredService<NanoChat.Appliance.Kernels.KernelManager>();
        var listed = Assert.Single(kernels.List());
        Assert.Equal(session.Student.Id, listed.UserId);
        Assert.Equal("busy", listed.State);
        Assert.NotNull(listed.RunningSeconds);
        await kernels.StopAsync(session.Student.Id, "Stopped by the instructor.");
        var result = await run.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("killed", result.Status);
        Assert.Equal("Stopped by the instructor.", (string?)result.Done["reason"]);
        Assert.Equal("stopped", Assert.Single(kernels.List()).State);
    }

    [Fact]
    public async Task Queued_cells_run_in_order_and_the_queue_is_visible()
    {
        await using var session = await KernelSession.StartAsync();
        var slow = session.RunAsync("import time; time.sleep(1.5); order = ['slow']");
        await WaitUntilAsync(async () => (await (await session.Http.GetAsync("/api/kernel")).ReadJsonAsync())["state"]!.ToString() == "busy");
        var second = session.RunAsync("order.append('second'); order");
        await WaitUntilAsync(async () => (int)(await (await session.Http.GetAsync("/api/kernel")).ReadJsonAsync())["queueLength"]! == 1);
        Assert.Equal("ok", (await slow).Status);
        Assert.Equal("['slow', 'second']", (await second).Result);
    }

    [Fact]
    public async Task Idle_kernels_are_stopped_and_the_next_cell_says_so()
    {
        await using var session = await KernelSession.StartAsync(options => options.Kernels.IdleCullMinutes = 0.02);
        await session.RunAsync("x = 1");
        await WaitUntilAsync(async () => (string?)(await (await session.Http.GetAsync("/api/kernel")).ReadJsonAsync())["state"] == "stopped");
        var next = await session.RunAsync("'x' in globals()");
        Assert.Equal("False", next.Result);
        Assert.Contains(next.Events, e => (string?)e.Data["type"] == "status" && ((string?)e.Data["message"] ?? "").Contains("without activity", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_question_nobody_answers_is_culled_like_an_idle_kernel_but_a_busy_cell_is_not()
    {
        await using var session = await KernelSession.StartAsync(options => options.Kernels.IdleCullMinutes = 0.02);
        // Busy for three cull periods: never stopped while it computes.
        var busy = await session.RunAsync("import time\nstarted = time.time()\nwhile time.time() - started < 4: pass\n'survived'");
        Assert.Equal("'survived'", busy.Result);

        var asking = await session.RunAsync("answer = input('Anyone? ')");
        Assert.Equal("killed", asking.Status);
        Assert.Contains("input() waited", (string?)asking.Error!["evalue"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prestarted_kernel_answers_the_first_cell_quickly()
    {
        await using var session = await KernelSession.StartAsync();
        var started = await session.Http.PostAsJsonAsync("/api/kernel/start", new { });
        Assert.Equal("idle", (string?)(await started.ReadJsonAsync())["state"]);
        var clock = Stopwatch.StartNew();
        Assert.Equal("ok", (await session.RunAsync("x = 1")).Status);
        Assert.True(clock.ElapsedMilliseconds < 1000, $"first cell on a warm kernel took {clock.ElapsedMilliseconds} ms");
    }
}
