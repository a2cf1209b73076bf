using NanoChat.Appliance.Worker;

namespace NanoChat.Appliance.Hosting;

/// <summary>`kernel …`: the worker process. Lives in Worker/; this entry only reads its flags and forwards.</summary>
public static class KernelCommandEntry
{
    private static readonly CommandShape Shape = new("kernel", "A student's worker (started by the web process).");
    private static readonly System.CommandLine.Option<string> Socket = Shape.Option<string>("socket", "the web process's socket for this worker");
    private static readonly System.CommandLine.Option<string> User = Shape.Option<string>("user", "the student");
    private static readonly System.CommandLine.Option<string> Python = Shape.Option<string>("python", "the Python executable");
    private static readonly System.CommandLine.Option<string> Library = Shape.Option<string>("libpython", "its libpython, found by the web process");
    private static readonly System.CommandLine.Option<string> PythonVersion = Shape.Option<string>("python-version", "its version");
    private static readonly System.CommandLine.Option<double> GpuFraction = Shape.Option<double>("gpu-fraction", "the share of GPU memory torch may take");
    private static readonly System.CommandLine.Option<string> Workdir = Shape.Option<string>("workdir", "the student's workspace");
    private static readonly System.CommandLine.Option<string> ProxySocket = Shape.Option<string>("proxy-socket", "the downloads proxy's socket");
    private static readonly System.CommandLine.Option<int> ProxyPort = Shape.Option<int>("proxy-port", "the loopback port the proxy relay listens on");
    private static readonly System.CommandLine.Option<string> Nanochat = Shape.Option<string>("nanochat", "a nanochat checkout");

    public static Task<int> RunAsync(string[] args)
    {
        var parsed = Shape.Parse(args);
        if (parsed.Value(Socket) is not { } socket || parsed.Value(User) is not { } user || parsed.Value(Python) is not { } python)
            return Task.FromResult(CommandLine.Fail("'kernel' needs --socket PATH --user NAME --python PATH (it is started by the web process)."));
        var known = parsed.Value(Library) is { } library
            ? new PythonInstallation(python, library, parsed.Value(PythonVersion) ?? "", "", false)
            : null;
        // The workspace, entered here rather than by the sandbox: bwrap would enter it as root without
        // the right to walk into another account's folder, before the ids change.
        if (parsed.Value(Workdir) is { } workdir)
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
        if (parsed.Value(ProxySocket) is { } proxy)
            ProxyRelay.Start(proxy, parsed.Given(ProxyPort) ? parsed.Value(ProxyPort) : 3128);
        return Task.FromResult(KernelWorker.Run(new WorkerArguments(socket, user, python, parsed.Value(Nanochat), parsed.Value(GpuFraction), known)));
    }
}
