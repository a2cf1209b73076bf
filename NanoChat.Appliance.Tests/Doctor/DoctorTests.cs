using System.Diagnostics;
using NanoChat.Appliance.CourseData;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Doctor;

/// <summary>`NanoChat.Appliance doctor` on this machine, as an instructor runs it: one line per check, the right exit code.</summary>
public sealed class DoctorTests : IDisposable
{
    private readonly string _data = TempFolders.Create("doctor");
    private readonly string _nanochat = TempFolders.Create("nanochat-checkout");

    public void Dispose()
    {
        TempFolders.Delete(_data);
        TempFolders.Delete(_nanochat);
    }

    private static (int Code, string[] Lines) Doctor(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "NanoChat.Appliance.dll"));
        start.ArgumentList.Add("doctor");
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Doctor_reports_this_box_line_by_line_and_what_the_walkthrough_still_needs()
    {
        // A checkout whose venv is Debian's python3 (torch 1.13 on CPU): found, and told apart from nanochat's pin.
        Directory.CreateDirectory(Path.Combine(_nanochat, ".venv", "bin"));
        File.CreateSymbolicLink(Path.Combine(_nanochat, ".venv", "bin", "python"), "/usr/bin/python3");
        var (code, lines) = Doctor("--data", _data, "--python", "/usr/bin/python3", "--nanochat", _nanochat);

        Assert.Equal(0, code);
        Assert.All(lines, line => Assert.Matches("^(ok|warn|missing): ", line));
        Assert.Contains(lines, line => line.StartsWith("ok: kernels run Python 3.", StringComparison.Ordinal) && line.Contains("libpython", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith("ok: Each kernel runs in bubblewrap", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith("warn: torch 1.13", StringComparison.Ordinal) && line.Contains("nanochat pins 2.9.1", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith("warn: no CUDA visible", StringComparison.Ordinal));
        Assert.Contains("missing: walkthrough: the tokenizer and base training needs 'shards' (pretraining shards (parquet)). Fix: course-data add … --kind shards, or allow downloads.", lines);

        // Staged, the step is ready.
        var source = Directory.CreateDirectory(Path.Combine(_data, "..", Path.GetFileName(_data) + "-shards")).FullName;
        File.WriteAllText(Path.Combine(source, "shard_00000.parquet"), "x");
        try
        {
            var store = new CourseStore(Path.GetFullPath(_data));
            await new CourseStaging(store, new CourseDownload(new HttpClient(), store), CourseLimits.Default, () => long.MaxValue)
                .AddAsync(source, CourseItemKind.Shards, "climbmix", null, null, CancellationToken.None);
        }
        finally
        {
            TempFolders.Delete(source);
        }
        (code, lines) = Doctor("--data", _data, "--python", "/usr/bin/python3");
        Assert.Equal(0, code);
        Assert.Contains(lines, line => line.StartsWith("ok: course data climbmix: shards, 1 files", StringComparison.Ordinal));
        Assert.Contains("ok: walkthrough: the tokenizer and base training has its data staged", lines);
        Assert.Contains(lines, line => line.StartsWith("missing: no nanochat checkout", StringComparison.Ordinal));
    }

    [Fact]
    public void Doctor_exits_1_when_the_appliance_itself_could_not_run_kernels()
    {
        var (code, lines) = Doctor("--data", _data, "--python", "/nonexistent/python3");
        Assert.Equal(1, code);
        Assert.Contains(lines, line => line.StartsWith("missing: no Python for kernels at /nonexistent/python3", StringComparison.Ordinal));
    }
}
