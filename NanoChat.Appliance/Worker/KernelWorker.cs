using System.Collections.Concurrent;
using System.Globalization;
using NanoChat.Appliance.Kernels.Protocol;

namespace NanoChat.Appliance.Worker;

/// <summary>
/// `kernel --socket S --user U --python P`: one student's worker. Connects to the web process's
/// socket, captures fd 1/2, loads CPython, then runs cells on the main thread while a reader thread
/// takes commands (so an interrupt arrives while code runs) and a stats thread reports memory.
/// Lives until the web side says shutdown, closes the socket, or kills it; exits with _exit, never
/// through Python's shutdown.
/// </summary>
public static class KernelWorker
{
    /// <summary>Exit code when the worker cannot start (bad Python, no socket); the sentence is on stderr.</summary>
    public const int StartFailure = 78;

    /// <summary>Test hook (jupyter_client style): "crash-on-start" or "slow-start:SECONDS".</summary>
    public const string MisbehaveVariable = "NANOCHAT_TEST_KERNEL_MISBEHAVE";

    private const int StatsIntervalMs = 1000;

    public static int Run(WorkerArguments arguments)
    {
        Misbehave();
        // Past RLIMIT_FSIZE (the workspace quota) a write must fail with "File too large" in the cell,
        // as CPython arranges when it owns the process; the signal's default would kill the kernel.
        // Programs a cell starts get the default back (subprocess restores it).
        NativeMethods.signal(NativeMethods.SIGXFSZ, NativeMethods.SIG_IGN);
        PythonInstallation python;
        try
        {
            // The web process probes the interpreter once and passes libpython; alone, probe here.
            python = arguments.Known ?? PythonDiscovery.Discover(arguments.Python);
        }
        catch (PythonDiscoveryException error)
        {
            Console.Error.WriteLine(error.Message);
            return StartFailure;
        }

        // Two things at once (a worker start is a student's wait): this thread loads CPython, which
        // must happen on the thread that will run cells; a helper thread meanwhile connects to the
        // web process and warms up the protocol's code, which the main thread needs only afterwards.
        // The capture is made first: it keeps the worker's own stderr, where the socket reports a failure.
        WorkerSocket? socket = null;
        var capture = new OutputCapture(message => socket!.Send(message));
        socket = new WorkerSocket(arguments.Socket, capture.Diagnostic);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var trace = Environment.GetEnvironmentVariable("NANOCHAT_KERNEL_TRACE") == "1";
        var host = new PythonHost(capture, socket.Send);
        try
        {
            host.Initialize(python, arguments.Nanochat, arguments.GpuFraction);
        }
        catch (Exception error)
        {
            capture.Diagnostic($"Python at '{python.Executable}' ({python.LibraryPath}) could not be initialised: {error.Message}");
            NativeMethods._exit(StartFailure);
        }
        var stream = socket.WaitConnected();
        capture.Start();
        if (trace)
            capture.Diagnostic($"kernel trace: process up {(DateTime.Now - System.Diagnostics.Process.GetCurrentProcess().StartTime).TotalMilliseconds:0} ms, Python initialised in {clock.ElapsedMilliseconds} ms ({string.Join(", ", host.Stages.Select(stage => $"{stage.Stage} at {stage.Milliseconds} ms"))}), connected at {socket.ConnectedMs} ms");
        var send = socket.Send;
        send(new StartedNotification(Environment.ProcessId, host.Version, python.Executable));

        var executions = new BlockingCollection<ExecuteCommand>();
        new Thread(() => ReadCommands(stream, host, executions, send)) { IsBackground = true, Name = "kernel-commands" }.Start();
        new Thread(() => ReportStats(host, send)) { IsBackground = true, Name = "kernel-stats" }.Start();
        foreach (var command in executions.GetConsumingEnumerable())
            send(host.Run(command));
        NativeMethods._exit(0);
        return 0;
    }

    private static void ReadCommands(Stream stream, PythonHost host, BlockingCollection<ExecuteCommand> executions, Action<KernelMessage> send)
    {
        try
        {
            while (KernelFraming.Read(stream) is { } message)
            {
                switch (message)
                {
                    case ExecuteCommand execute: executions.Add(execute); break;
                    case InterruptCommand interrupt: host.Interrupt(interrupt.Id); break;
                    case CompleteCommand complete: _ = Task.Run(() => send(host.Complete(complete))); break;
                    case InspectCommand inspect: _ = Task.Run(() => send(host.Inspect(inspect))); break;
                    // Off this thread: delivering takes the GIL, and an interrupt must never wait behind it.
                    case InputReplyCommand reply: _ = Task.Run(() => host.DeliverInput(reply)); break;
                    case ShutdownCommand: NativeMethods._exit(0); break;
                    default: break;
                }
            }
        }
        catch (Exception)
        {
            // A broken socket means the web process is gone: nothing is left to serve.
        }
        NativeMethods._exit(0);
    }

    private static void ReportStats(PythonHost host, Action<KernelMessage> send)
    {
        while (true)
        {
            Thread.Sleep(StatsIntervalMs);
            send(new StatsNotification(ResidentBytes(), host.GpuBytes));
        }
    }

    private static long ResidentBytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        return 0;
    }

    private static void Misbehave()
    {
        var mode = Environment.GetEnvironmentVariable(MisbehaveVariable);
        if (mode == "crash-on-start")
        {
            Console.Error.WriteLine("Test kernel: crashing on start as asked by " + MisbehaveVariable + ".");
            NativeMethods._exit(3);
        }
        if (mode?.StartsWith("slow-start:", StringComparison.Ordinal) == true)
            Thread.Sleep(TimeSpan.FromSeconds(double.Parse(mode["slow-start:".Length..], CultureInfo.InvariantCulture)));
    }
}

/// <summary>The worker's command line, as the web process's launcher writes it.</summary>
public sealed record WorkerArguments(string Socket, string User, string Python, string? Nanochat, double GpuFraction, PythonInstallation? Known = null);
