using System.Net.Sockets;
using NanoChat.Appliance.Kernels.Protocol;

namespace NanoChat.Appliance.Worker;

/// <summary>
/// The worker's side of the kernel socket, connected on a helper thread while the main thread loads
/// CPython. Also runs the protocol's encoder and decoder once, so their first real use (the started
/// message, the first cell) does not pay for loading that code. <see cref="Send"/> before the
/// connection is there waits for it; a failed connection is reported and ends the worker.
/// </summary>
internal sealed class WorkerSocket
{
    private readonly Thread _thread;
    private readonly object _writeLock = new();
    private readonly Action<string> _report;
    private string? _failure;

    /// <param name="socketPath">The Unix socket the web process listens on.</param>
    /// <param name="report">Where the worker's own diagnostics go (<see cref="OutputCapture.Diagnostic"/>).</param>
    public WorkerSocket(string socketPath, Action<string> report)
    {
        _report = report;
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

    /// <summary>The connected stream, once the helper thread is done; if it could not connect, says why and exits.</summary>
    public NetworkStream WaitConnected()
    {
        _thread.Join();
        if (_failure is not null)
        {
            _report(_failure);
            NativeMethods._exit(KernelWorker.StartFailure);
        }
        return Stream!;
    }

    public void Send(KernelMessage message)
    {
        var stream = Stream ?? WaitConnected();
        try
        {
            lock (_writeLock)
                KernelFraming.Write(stream, message);
        }
        catch (IOException)
        {
            NativeMethods._exit(0); // the web process is gone; --die-with-parent would end us anyway
        }
    }
}
