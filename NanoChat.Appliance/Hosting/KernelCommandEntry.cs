using System.Globalization;
using NanoChat.Appliance.Worker;

namespace NanoChat.Appliance.Hosting;

/// <summary>`kernel …`: the worker process. Lives in Worker/; this entry only reads its flags and forwards.</summary>
public static class KernelCommandEntry
{
    public static Task<int> RunAsync(string[] args)
    {
        var flags = new Dictionary<string, string>();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
                return Task.FromResult(CommandLine.Fail($"'kernel' expects --name value pairs, not '{args[i]}'."));
            flags[args[i][2..]] = args[i + 1];
        }
        if (args.Length % 2 != 0)
            return Task.FromResult(CommandLine.Fail($"Option '{args[^1]}' needs a value."));
        if (!flags.TryGetValue("socket", out var socket) || !flags.TryGetValue("user", out var user) || !flags.TryGetValue("python", out var python))
            return Task.FromResult(CommandLine.Fail("'kernel' needs --socket PATH --user NAME --python PATH (it is started by the web process)."));
        var fraction = flags.TryGetValue("gpu-fraction", out var text) ? double.Parse(text, CultureInfo.InvariantCulture) : 0;
        var known = flags.TryGetValue("libpython", out var library)
            ? new PythonInstallation(python, library, flags.GetValueOrDefault("python-version") ?? "", "", false)
            : null;
        // The workspace, entered here rather than by the sandbox: bwrap would enter it as root without
        // the right to walk into another account's folder, before the ids change.
        if (flags.TryGetValue("workdir", out var workdir))
        {
            try
            {
                Directory.SetCurrentDirectory(workdir);
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"The kernel cannot enter its workspace '{workdir}': {error.Message}");
                return Task.FromResult(KernelWorker.StartFailure);
            }
        }
        if (flags.TryGetValue("proxy-socket", out var proxy))
            ProxyRelay.Start(proxy, int.Parse(flags.GetValueOrDefault("proxy-port") ?? "3128", CultureInfo.InvariantCulture));
        return Task.FromResult(KernelWorker.Run(new WorkerArguments(socket, user, python, flags.GetValueOrDefault("nanochat"), fraction, known)));
    }
}
