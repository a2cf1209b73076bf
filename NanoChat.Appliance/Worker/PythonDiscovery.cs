using System.Diagnostics;
using System.Text.Json;

namespace NanoChat.Appliance.Worker;

/// <summary>What a worker needs to load one interpreter in-process: its libpython and who it is.</summary>
public sealed record PythonInstallation(string Executable, string LibraryPath, string Version, string Prefix, bool IsVirtualEnvironment);

/// <summary>
/// Asks a python executable about itself (one `python -I -c` run reading sysconfig) and finds the
/// shared libpython that pythonnet must load. Every failure is one sentence naming the interpreter
/// tried and the fix, because this is what an instructor reads when the box is set up wrong.
/// </summary>
public static class PythonDiscovery
{
    private const string Probe = """
        import json, sys, sysconfig, os
        v = sysconfig.get_config_var
        print(json.dumps({"version": "%d.%d.%d" % sys.version_info[:3], "short": "%d.%d" % sys.version_info[:2],
            "prefix": sys.prefix, "basePrefix": sys.base_prefix, "instsoname": v("INSTSONAME") or "",
            "ldlibrary": v("LDLIBRARY") or "", "libdir": v("LIBDIR") or "", "multiarch": v("MULTIARCH") or "",
            "shared": bool(v("Py_ENABLE_SHARED"))}))
        """;

    public static PythonInstallation Discover(string executable)
    {
        if (!File.Exists(executable))
            throw new PythonDiscoveryException($"The Python interpreter '{executable}' does not exist; give an existing one with --python or NANOCHAT_PYTHON.");
        string output;
        try
        {
            var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add("-I");
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(Probe);
            start.Environment.Remove("PYTHONHOME");
            start.Environment.Remove("PYTHONPATH");
            using var process = Process.Start(start)!;
            output = process.StandardOutput.ReadToEnd();
            var errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new PythonDiscoveryException($"The Python interpreter '{executable}' failed to describe itself (exit {process.ExitCode}): {errors.Trim()}");
        }
        catch (System.ComponentModel.Win32Exception error)
        {
            throw new PythonDiscoveryException($"The Python interpreter '{executable}' cannot be run: {error.Message}.");
        }
        var facts = JsonDocument.Parse(output).RootElement;
        string Text(string name) => facts.GetProperty(name).GetString() ?? "";
        var library = FindLibrary(Text("instsoname"), Text("ldlibrary"), Text("libdir"), Text("multiarch"), Text("basePrefix"));
        if (library is null)
            throw new PythonDiscoveryException(
                $"No shared libpython{Text("short")} was found for '{executable}' (looked for {Text("instsoname")} in {Text("libdir")}); " +
                $"install it (Debian: apt-get install libpython{Text("short")}) or choose a Python built with --enable-shared.");
        var isVenv = Text("prefix") != Text("basePrefix");
        return new PythonInstallation(executable, library, Text("version"), Text("prefix"), isVenv);
    }

    private static string? FindLibrary(string instSoName, string ldLibrary, string libDir, string multiArch, string basePrefix)
    {
        var names = new[] { instSoName, ldLibrary }.Where(name => name.EndsWith(".so", StringComparison.Ordinal) || name.Contains(".so.", StringComparison.Ordinal));
        var folders = new[] { libDir, Path.Combine(libDir, multiArch), Path.Combine(basePrefix, "lib"), Path.Combine("/usr/lib", multiArch) };
        foreach (var name in names)
        {
            foreach (var folder in folders.Where(folder => folder.Length > 0))
            {
                var candidate = Path.Combine(folder, name);
                if (File.Exists(candidate))
                    return candidate;
            }
        }
        return null;
    }
}

/// <summary>Python could not be found or loaded; the message says which interpreter and the fix.</summary>
public sealed class PythonDiscoveryException(string message) : Exception(message);
