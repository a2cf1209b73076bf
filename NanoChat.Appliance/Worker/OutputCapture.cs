using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using NanoChat.Appliance.Kernels.Protocol;

namespace NanoChat.Appliance.Worker;

/// <summary>
/// Student output at the file-descriptor level: fd 1 and 2 become pipes, so prints from Python, C
/// extensions and `!shell` children are all caught. A reader thread batches what arrives (about every
/// <see cref="BatchMs"/> ms or <see cref="BatchBytes"/> bytes) into stream messages for the running
/// execution. <see cref="Drain"/> lets the main thread push everything written so far before a
/// display or done message, so the order the student saw is the order the notebook shows.
/// Lives as long as the worker; the original stderr stays available for the worker's own diagnostics.
/// </summary>
public sealed class OutputCapture
{
    public const int BatchMs = 20;
    public const int BatchBytes = 64 * 1024;
    private const int PipeBytes = 1024 * 1024;

    private readonly Action<KernelMessage> _send;
    private readonly object _lock = new();
    private readonly int[] _readFds = new int[2];
    private readonly MemoryStream[] _pending = [new(), new()];
    private readonly Decoder[] _decoders = [new UTF8Encoding(false).GetDecoder(), new UTF8Encoding(false).GetDecoder()];
    private readonly Stopwatch _sinceFirstByte = new();
    private static readonly string[] Names = ["stdout", "stderr"];

    public OutputCapture(Action<KernelMessage> send)
    {
        _send = send;
        DiagnosticsFd = NativeMethods.dup(2);
        for (var index = 0; index < 2; index++)
            _readFds[index] = Redirect(index + 1);
    }

    /// <summary>A copy of the worker's original stderr, for the worker's own messages (never student output).</summary>
    public int DiagnosticsFd { get; }

    /// <summary>The execution that output is attributed to; output between cells goes to the last one.</summary>
    public string CurrentExecutionId { get; set; } = "";

    public void Start()
    {
        var thread = new Thread(ReadLoop) { IsBackground = true, Name = "output-capture" };
        thread.Start();
    }

    /// <summary>Reads every byte already written to fd 1/2 and sends it now.</summary>
    public void Drain()
    {
        _ = NativeMethods.fflush(0);
        lock (_lock)
        {
            ReadAvailable();
            Flush();
        }
    }

    public void Diagnostic(string line) => NativeMethods.WriteAll(DiagnosticsFd, Encoding.UTF8.GetBytes(line + "\n"));

    private static unsafe int Redirect(int targetFd)
    {
        var fds = stackalloc int[2];
        if (NativeMethods.pipe(fds) != 0)
            throw new IOException($"pipe() failed: errno {Marshal.GetLastPInvokeError()}");
        _ = NativeMethods.fcntl(fds[0], NativeMethods.F_SETPIPE_SZ, PipeBytes);
        if (NativeMethods.dup2(fds[1], targetFd) < 0)
            throw new IOException($"dup2() onto fd {targetFd} failed: errno {Marshal.GetLastPInvokeError()}");
        _ = NativeMethods.close(fds[1]);
        var flags = NativeMethods.fcntl(fds[0], NativeMethods.F_GETFL, 0);
        _ = NativeMethods.fcntl(fds[0], NativeMethods.F_SETFL, flags | NativeMethods.O_NONBLOCK);
        return fds[0];
    }

    private unsafe void ReadLoop()
    {
        var polls = stackalloc NativeMethods.PollFd[2];
        for (var index = 0; index < 2; index++)
            polls[index] = new NativeMethods.PollFd { Fd = _readFds[index], Events = NativeMethods.POLLIN };
        while (true)
        {
            int timeout;
            lock (_lock)
                timeout = _sinceFirstByte.IsRunning ? Math.Max(0, BatchMs - (int)_sinceFirstByte.ElapsedMilliseconds) : -1;
            polls[0].Revents = polls[1].Revents = 0;
            _ = NativeMethods.poll(polls, 2, timeout);
            lock (_lock)
            {
                ReadAvailable();
                if (_sinceFirstByte.IsRunning && (_sinceFirstByte.ElapsedMilliseconds >= BatchMs || PendingBytes >= BatchBytes))
                    Flush();
            }
        }
    }

    private long PendingBytes => _pending[0].Length + _pending[1].Length;

    private unsafe void ReadAvailable()
    {
        var buffer = stackalloc byte[65536];
        for (var index = 0; index < 2; index++)
        {
            while (true)
            {
                var n = NativeMethods.read(_readFds[index], buffer, 65536);
                if (n <= 0)
                    break;
                if (!_sinceFirstByte.IsRunning)
                    _sinceFirstByte.Restart();
                _pending[index].Write(new ReadOnlySpan<byte>(buffer, (int)n));
                if (PendingBytes >= BatchBytes)
                    Flush();
            }
        }
    }

    private void Flush()
    {
        for (var index = 0; index < 2; index++)
        {
            var pending = _pending[index];
            if (pending.Length == 0)
                continue;
            var bytes = pending.GetBuffer().AsSpan(0, (int)pending.Length);
            var chars = new char[_decoders[index].GetCharCount(bytes, flush: false)];
            _decoders[index].GetChars(bytes, chars, flush: false);
            pending.SetLength(0);
            if (chars.Length > 0)
                _send(new StreamNotification(CurrentExecutionId, Names[index], new string(chars)));
        }
        _sinceFirstByte.Reset();
    }
}
