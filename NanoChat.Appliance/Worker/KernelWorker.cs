using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
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
        var connecting = new Connecting(arguments.Socket);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var trace = Environment.GetEnvironmentVariable("NANOCHAT_KERNEL_TRACE") == "1";
        var capture = new OutputCapture(connecting.Send);
        var host = new PythonHost(capture, connecting.Send);
        try
        {
            host.Initialize(python, arguments.Nanochat, arguments.GpuFraction);
        }
        catch (Exception error)
        {
            capture.Diagnostic($"Python at '{python.Executable}' ({python.LibraryPath}) could not be initialised: {error.Message}");
            NativeMethods._exit(StartFailure);
        }
        if (connecting.Wait() is { } failure)
        {
            capture.Diagnostic(failure);
            NativeMethods._exit(StartFailure);
        }
        capture.Start();
        if (trace)
            capture.Diagnostic($"kernel trace: process up {(DateTime.Now - System.Diagnostics.Process.GetCurrentProcess().StartTime).TotalMilliseconds:0} ms, Python initialised in {clock.ElapsedMilliseconds} ms ({string.Join(", ", host.Stages.Select(stage => $"{stage.Stage} at {stage.Milliseconds} ms"))}), connected at {connecting.ConnectedMs} ms");
        var send = connecting.Send;
        var stream = connecting.Stream!;
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

/// <summary>
/// The worker's side of the kernel socket, connected on a helper thread while the main thread loads
/// CPython. Also runs the protocol's encoder and decoder once, so their first real use (the started
/// message, the first cell) does not pay for loading that code. Nothing is sent before
/// <see cref="Wait"/> has returned without a failure.
/// </summary>
internal sealed class Connecting
{
    private readonly Thread _thread;
    private readonly object _writeLock = new();
    private string? _failure;

    public Connecting(string socketPath)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        _thread = new Thread(Connect) { IsBackground = true, Name = "kernel-connect" };
        _thread.Start();

        void Connect()
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                socket.Connect(new UnixDomainSocketEndPoint(socketPath));
            }
            catch (SocketException error)
            {
                socket.Dispose();
                _failure = $"The worker cannot reach the web process at '{socketPath}': {error.Message}";
                return;
            }
            Stream = new NetworkStream(socket, ownsSocket: true);
            ConnectedMs = started.ElapsedMilliseconds;
            _ = KernelFraming.Decode(KernelFraming.Encode(new ExecuteCommand("warm-up", "warm-up", "")).AsSpan(4));
            _ = KernelFraming.Encode(new DoneNotification("warm-up", ExecutionStatus.Ok, 0, 0));
        }
    }

    public NetworkStream? Stream { get; private set; }

    public long ConnectedMs { get; private set; }

    /// <summary>Waits for the helper thread; the sentence to print if the socket could not be reached.</summary>
    public string? Wait()
    {
        _thread.Join();
        return _failure;
    }

    public void Send(KernelMessage message)
    {
        try
        {
            lock (_writeLock)
                KernelFraming.Write(Stream!, message);
        }
        catch (IOException)
        {
            NativeMethods._exit(0); // the web process is gone; --die-with-parent would end us anyway
        }
    }
}

/// <summary>The worker's command line, as the web process's launcher writes it.</summary>
public sealed record WorkerArguments(string Socket, string User, string Python, string? Nanochat, double GpuFraction, PythonInstallation? Known = null);
