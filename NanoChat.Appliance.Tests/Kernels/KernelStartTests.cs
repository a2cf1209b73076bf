namespace NanoChat.Appliance.Tests.Kernels;

/// <summary>Workers that fail to start, on purpose (test kernels: KernelOptions.TestMisbehave, passed to the worker as an environment flag) or for lack of a usable Python.</summary>
[Collection(PythonKernelCollection.Name)]
public sealed class KernelStartTests
{
    [Fact]
    public async Task A_kernel_that_crashes_on_start_is_reported_in_the_cell_with_its_last_words()
    {
        await using var session = await KernelSession.StartAsync(options => options.Kernels.TestMisbehave = "crash-on-start");
        var run = await session.RunAsync("1");
        Assert.Equal("killed", run.Status);
        var reason = (string?)run.Done["reason"];
        Assert.Contains("failed to start", reason, StringComparison.Ordinal);
        Assert.Contains("crashing on start", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_kernel_slower_than_the_start_timeout_is_given_up_on_and_said_so()
    {
        await using var session = await KernelSession.StartAsync(options =>
        {
            options.Kernels.TestMisbehave = "slow-start:30";
            options.Kernels.StartTimeoutSeconds = 2;
        });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var run = await session.RunAsync("1");
        Assert.True(clock.Elapsed.TotalSeconds < 15);
        Assert.Equal("killed", run.Status);
        Assert.Contains("did not answer within 2 s", (string?)run.Done["reason"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_slow_but_not_too_slow_kernel_still_runs_the_cell()
    {
        await using var session = await KernelSession.StartAsync(options => options.Kernels.TestMisbehave = "slow-start:1.5");
        Assert.Equal("2", (await session.RunAsync("1 + 1")).Result);
    }

    [Fact]
    public async Task Without_a_python_option_the_appliance_makes_its_own_venv_over_debians_python()
    {
        await using var session = await KernelSession.StartAsync(options => options.PythonPath = null);
        var run = await session.RunAsync("import sys, numpy, matplotlib; sys.prefix != sys.base_prefix, sys.prefix");
        Assert.Equal("ok", run.Status);
        Assert.StartsWith("(True, '", run.Result, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(session.Server.Options.DataDirectoryFullPath, "python"), run.Result, StringComparison.Ordinal);
    }

    /// <summary>
    /// pythonnet scans every loaded assembly when a worker initialises; a web assembly in a worker is
    /// start-up time every student pays (an [ApplicationPart] attribute on the app assembly once pulled
    /// in Mvc.Core and a dozen ASP.NET assemblies, each scanned: about 40 ms of a 330 ms start).
    /// </summary>
    [Fact]
    public async Task A_worker_loads_no_web_assemblies_and_clr_still_imports()
    {
        await using var session = await KernelSession.StartAsync();
        var run = await session.RunAsync("""
            import clr, System
            names = [a.GetName().Name for a in System.AppDomain.CurrentDomain.GetAssemblies()]
            print(len(names) > 5, sorted(n for n in names if n.startswith(("Microsoft.AspNetCore", "Microsoft.Extensions", "Scriban", "Markdig"))))
            """);
        Assert.True(run.Status == "ok", run.ToString());
        Assert.Equal("True []\n", run.Stdout);
    }
}
