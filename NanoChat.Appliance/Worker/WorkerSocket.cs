using System.Net.Sockets;
using NanoChat.Appliance.Kernels.Protocol;

namespace NanoChat.Appliance.Worker;

/// <summary>
/// The worker's side of the kernel socket, connected on a helper thread while the main thread loads
/// CPython. Also runs the protocol's encoder and decoder once, so their first real use (the started
/// message, the first cell) does not pay for loading that code. <see cref="Send"/> before the
/// connection is there waits for it.
/// </summary>
internal sealed class WorkerSocket
{
    private readonly Thread _thread;
    private readonly object _writeLock = new();
    // The worker's own stderr as it was at start (OutputCapture turns fd 2 into a pipe for student output).
    private readonly int _stderr = NativeMethods.dup(2);
    private string? _failure;

    public WorkerSocket(string socketPath)
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
        if (Stream is null && Wait() is { } failure)
        {
            NativeMethods.WriteAll(_stderr, System.Text.Encoding.UTF8.GetBytes(failure + "\n"));
            NativeMethods._exit(KernelWorker.StartFailure);
        }
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
