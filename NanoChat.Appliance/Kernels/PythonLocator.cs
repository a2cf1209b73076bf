using System.Diagnostics;
using NanoChat.Appliance.Hosting;

namespace NanoChat.Appliance.Kernels;

/// <summary>
/// Chooses the interpreter students' workers load: --python, NANOCHAT_PYTHON (both arrive as
/// <see cref="ApplianceOptions.PythonPath"/>), the nanochat checkout's .venv, else a venv the
/// appliance creates once under DATA/python from Debian's /usr/bin/python3 with system
/// site-packages (Debian's numpy, torch and matplotlib). The worker then probes it for libpython.
/// Resolved once, on the first kernel start; a failure is one sentence naming what was tried and the fix.
/// </summary>
public sealed class PythonLocator(ApplianceOptions options, ILogger<PythonLocator> logger)
{
    public const string SystemPython = "/usr/bin/python3";

    private readonly object _lock = new();
    private string? _resolved;
    private Worker.PythonInstallation? _installation;

    public string VenvDirectory => Path.Combine(options.DataDirectoryFullPath, "python");

    /// <summary>A folder under DATA the sandbox must show read-only (the appliance venv), or null.</summary>
    public string? FolderToExpose => _resolved?.StartsWith(VenvDirectory + "/", StringComparison.Ordinal) == true ? VenvDirectory : null;

    public string Resolve() => Describe().Executable;

    /// <summary>The chosen interpreter and its libpython, probed once (workers then skip their own probe).</summary>
    public Worker.PythonInstallation Describe()
    {
        lock (_lock)
        {
            if (_installation is not null)
                return _installation;
            _resolved ??= Find();
            try
            {
                return _installation = Worker.PythonDiscovery.Discover(_resolved);
            }
            catch (Worker.PythonDiscoveryException error)
            {
                throw new KernelStartException(error.Message);
            }
        }
    }

    private string Find()
    {
        if (options.PythonPath is { } chosen)
            return File.Exists(chosen) ? Path.GetFullPath(chosen)
                : throw new KernelStartException($"The Python interpreter '{chosen}' (--python or NANOCHAT_PYTHON) does not exist; point it at an existing python3.");
        if (options.NanochatDirectory is { } nanochat)
        {
            var venvPython = Path.Combine(Path.GetFullPath(nanochat), ".venv", "bin", "python");
            if (File.Exists(venvPython))
                return venvPython;
            logger.LogWarning("The nanochat checkout {Directory} has no .venv/bin/python; using the appliance's own venv (run 'uv sync' in the checkout to use its packages).", nanochat);
        }
        var appliancePython = Path.Combine(VenvDirectory, "bin", "python");
        if (File.Exists(appliancePython))
            return appliancePython;
        if (!File.Exists(SystemPython))
            throw new KernelStartException($"No Python found: no --python, no NANOCHAT_PYTHON, no nanochat .venv and no {SystemPython}. Fix: apt-get install python3 python3-venv libpython3.11.");
        CreateVenv();
        return appliancePython;
    }

    private void CreateVenv()
    {
        logger.LogInformation("Creating the students' Python environment in {Folder} from {Python} (once).", VenvDirectory, SystemPython);
        var start = new ProcessStartInfo(SystemPython) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "-m", "venv", "--system-site-packages", VenvDirectory })
            start.ArgumentList.Add(argument);
        start.Environment.Remove("PYTHONHOME");
        start.Environment.Remove("PYTHONPATH");
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new KernelStartException($"'{SystemPython} -m venv {VenvDirectory}' failed ({errors.Trim()}). Fix: apt-get install python3-venv, or give --python.");
    }
}

/// <summary>A worker could not be started; the message is told to the student and the log.</summary>
public sealed class KernelStartException(string message) : Exception(message);
