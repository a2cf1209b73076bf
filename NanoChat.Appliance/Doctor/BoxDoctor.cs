using System.Diagnostics;
using System.Text.Json;
using NanoChat.Appliance.CourseData;
using NanoChat.Appliance.Hosting;
using NanoChat.Appliance.Kernels;

namespace NanoChat.Appliance.Doctor;

/// <summary>
/// Checks a box for a class, one line each with the fix: the interpreter kernels use and its
/// libpython (pythonnet needs it), bubblewrap and cgroups, free disk, the nanochat checkout (its
/// commit, its venv's torch against nanochat's pin, CUDA seen by that torch), a C compiler and
/// Python headers (torch.compile on CPU), the staged course data, and what each step of the GPU
/// walkthrough still needs. Used by `NanoChat.Appliance doctor` and the console's Doctor panel.
/// </summary>
public static class BoxDoctor
{
    /// <summary>The torch nanochat pins (its pyproject.toml).</summary>
    public const string NanochatTorch = "2.9.1";

    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(60);
    private const long Gibibyte = 1024L * 1024 * 1024;

    public static List<DoctorCheck> Run(ApplianceOptions options, SandboxStatus sandbox)
    {
        var checks = new List<DoctorCheck>();
        checks.AddRange(Python(options));
        checks.Add(sandbox.Bubblewrap ? DoctorCheck.Good(sandbox.BubblewrapDetail)
            : DoctorCheck.Lacking(sandbox.BubblewrapDetail, essential: Environment.IsPrivilegedProcess));
        if (sandbox.Refusal is { } refusal)
            checks.Add(DoctorCheck.Lacking(refusal, essential: true));
        else
            checks.Add(sandbox.User is null ? DoctorCheck.Warning(sandbox.UserDetail) : DoctorCheck.Good(sandbox.UserDetail));
        checks.Add(sandbox.CgroupVersion > 0 ? DoctorCheck.Good(sandbox.CgroupDetail) : DoctorCheck.Warning(sandbox.CgroupDetail));
        checks.Add(Disk(options));
        checks.Add(Compiler());
        checks.AddRange(Nanochat(options));
        var store = new CourseStore(options.DataDirectoryFullPath);
        checks.AddRange(Course(store));
        return checks;
    }

    private static IEnumerable<DoctorCheck> Python(ApplianceOptions options)
    {
        var python = options.PythonPath
            ?? (options.NanochatDirectory is { } nanochat && File.Exists(Path.Combine(nanochat, ".venv", "bin", "python")) ? Path.Combine(nanochat, ".venv", "bin", "python") : null)
            ?? (File.Exists(Path.Combine(options.DataDirectoryFullPath, "python", "bin", "python")) ? Path.Combine(options.DataDirectoryFullPath, "python", "bin", "python") : PythonLocator.SystemPython);
        if (!File.Exists(python))
        {
            yield return DoctorCheck.Lacking($"no Python for kernels at {python}. Fix: apt-get install python3 python3-venv libpython3.11, or give --python.", essential: true);
            yield break;
        }
        Worker.PythonInstallation? found = null;
        string? problem = null;
        try
        {
            found = Worker.PythonDiscovery.Discover(python);
        }
        catch (Worker.PythonDiscoveryException error)
        {
            problem = error.Message;
        }
        yield return found is null
            ? DoctorCheck.Lacking($"libpython for pythonnet: {problem}", essential: true)
            : DoctorCheck.Good($"kernels run Python {found.Version} ({found.Executable}), libpython {found.LibraryPath}");
        if (found is not null)
        {
            var headers = Ask(found.Executable, "import sysconfig, os; print(os.path.exists(os.path.join(sysconfig.get_paths()['include'], 'Python.h')))");
            yield return headers == "True" ? DoctorCheck.Good("Python headers (Python.h) for torch.compile on CPU")
                : DoctorCheck.Warning("no Python headers (Python.h): torch.compile on CPU cannot build its kernels. Fix: apt-get install python3-dev.");
        }
    }

    private static DoctorCheck Disk(ApplianceOptions options)
    {
        var free = Workspaces.WorkspaceQuota.FreeAboveReserve(options);
        var reserve = Workspaces.WorkspaceQuota.ReserveFor(options);
        var text = $"{Admin.ConsoleFormatting.Bytes(Math.Max(0, free))} free under {options.DataDirectoryFullPath} above the {Admin.ConsoleFormatting.Bytes(reserve)} kept for the appliance";
        return free > 10 * Gibibyte ? DoctorCheck.Good(text) : DoctorCheck.Warning(text + ": little room for students' checkpoints and course data. Fix: free disk or use a larger data disk.");
    }

    private static DoctorCheck Compiler()
    {
        foreach (var compiler in new[] { "cc", "gcc", "clang" })
        {
            if (Ask(compiler, null, "--version") is { Length: > 0 } version)
                return DoctorCheck.Good($"C compiler: {version.Split('\n')[0]}");
        }
        return DoctorCheck.Warning("no C compiler: torch.compile on CPU (nanochat's CPU runs) cannot build its kernels. Fix: apt-get install build-essential.");
    }

    private static IEnumerable<DoctorCheck> Nanochat(ApplianceOptions options)
    {
        if (options.NanochatDirectory is not { } folder)
        {
            yield return DoctorCheck.Lacking("no nanochat checkout (serve --nanochat DIR): the GPU walkthrough needs one. Fix: git clone https://github.com/karpathy/nanochat and uv sync in it.");
            yield break;
        }
        if (!Directory.Exists(folder))
        {
            yield return DoctorCheck.Lacking($"the nanochat checkout {folder} does not exist.");
            yield break;
        }
        var commit = Ask("git", null, "-C", folder, "rev-parse", "--short", "HEAD") ?? "an unknown commit";
        yield return DoctorCheck.Good($"nanochat checkout {folder} at {commit}");
        var venvPython = Path.Combine(folder, ".venv", "bin", "python");
        if (!File.Exists(venvPython))
        {
            yield return DoctorCheck.Lacking($"no venv in {folder} (.venv/bin/python). Fix: uv sync in the checkout.");
            yield break;
        }
        var answer = Ask(venvPython, "import json, platform, torch; print(json.dumps([torch.__version__, torch.cuda.is_available(), torch.version.cuda, torch.cuda.device_count(), platform.python_version()]))");
        if (answer is null)
        {
            yield return DoctorCheck.Lacking($"{venvPython} cannot import torch. Fix: uv sync in the checkout.");
            yield break;
        }
        var facts = JsonSerializer.Deserialize<JsonElement[]>(answer)!;
        var version = facts[0].GetString() ?? "?";
        yield return version.StartsWith(NanochatTorch, StringComparison.Ordinal)
            ? DoctorCheck.Good($"torch {version} on Python {facts[4]} in the nanochat venv")
            : DoctorCheck.Warning($"torch {version} on Python {facts[4]} in the nanochat venv; nanochat pins {NanochatTorch}. Fix: uv sync in the checkout.");
        yield return facts[1].GetBoolean()
            ? DoctorCheck.Good($"CUDA {facts[2]} visible to that torch, {facts[3]} GPU(s)")
            : DoctorCheck.Warning("no CUDA visible to the nanochat venv's torch: training runs on CPU only. Fix: a CUDA build of torch (uv sync --extra gpu) and the NVIDIA driver.");
    }

    /// <summary>What is staged, then what each walkthrough step still needs from the course data.</summary>
    public static IEnumerable<DoctorCheck> Course(CourseStore store)
    {
        var items = store.List();
        if (items.Count == 0)
            yield return DoctorCheck.Warning("no course data staged: every student's kernel downloads nanochat's data itself (needs the internet). Fix: NanoChat.Appliance course-data add … (see 'course-data').");
        foreach (var item in items)
            yield return DoctorCheck.Good($"course data {item.Name}: {item.Kind}, {item.Files} files, {Admin.ConsoleFormatting.Bytes(item.SizeBytes)}");
        bool Has(CourseItemKind kind) => items.Any(item => item.Kind == kind.Name);
        foreach (var (step, needs) in WalkthroughNeeds)
        {
            var lacking = needs.Where(kind => !Has(kind)).ToList();
            yield return lacking.Count == 0
                ? DoctorCheck.Good($"walkthrough: {step} has its data staged")
                : DoctorCheck.Lacking($"walkthrough: {step} needs {string.Join(" and ", lacking.Select(kind => $"'{kind.Name}' ({kind.Description})"))}. Fix: course-data add … --kind {lacking[0].Name}, or allow downloads.");
        }
    }

    /// <summary>The GPU walkthrough's steps and the staged kinds each reads (nanochat's pipeline).</summary>
    public static readonly IReadOnlyList<(string Step, CourseItemKind[] Needs)> WalkthroughNeeds =
    [
        ("the tokenizer and base training", [CourseItemKind.Shards]),
        ("the base model's CORE evaluation", [CourseItemKind.EvalBundle]),
        ("SFT and chat evaluation", [CourseItemKind.TaskData]),
    ];

    /// <summary>A command's first line of output, or null when it is missing or fails.</summary>
    private static string? Ask(string file, string? pythonCode, params string[] arguments)
    {
        try
        {
            var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            if (pythonCode is not null)
            {
                start.ArgumentList.Add("-c");
                start.ArgumentList.Add(pythonCode);
            }
            foreach (var argument in arguments)
                start.ArgumentList.Add(argument);
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(ProbeTimeout))
            {
                process.Kill(entireProcessTree: true);
                return null;
            }
            return process.ExitCode == 0 ? output.Result.Trim() : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
