using System.Collections.Concurrent;
using System.Net.Sockets;
using NanoChat.Appliance.Kernels.Protocol;

namespace NanoChat.Appliance.Kernels;

/// <summary>
/// The web side of one running worker: its process, its socket, the execution it is running, its
/// latest stats. A reader task routes the worker's messages into the running execution's log. When
/// the socket closes or the process ends, <see cref="Exited"/> completes with a sentence saying why
/// (asked to stop, out of memory, a signal, an exit code). Lives as long as the worker process.
/// </summary>
public sealed class WorkerConnection : IAsyncDisposable
{
    private readonly KernelProcess _process;
    private readonly NetworkStream _stream;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly TaskCompletionSource<string> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _socketFolder;
    private readonly long _memoryLimit;
    // Requests awaiting the worker's answer (complete, inspect), by request id.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource<KernelMessage>> _answers = new();
    private string? _stopReason;

    private readonly IAsyncDisposable? _companion;

    private WorkerConnection(KernelProcess process, NetworkStream stream, StartedNotification started, string socketFolder, long memoryLimit, IAsyncDisposable? companion)
    {
        _companion = companion;
        _process = process;
        _stream = stream;
        _socketFolder = socketFolder;
        _memoryLimit = memoryLimit;
        Started = started;
        StartedAt = DateTimeOffset.UtcNow;
    }

    public StartedNotification Started { get; }
    public DateTimeOffset StartedAt { get; }
    public KernelProcess Process => _process;
    public long RssBytes { get; private set; }
    public long GpuBytes { get; private set; }

    /// <summary>The execution whose output is arriving now; set before its execute command is sent.</summary>
    public Execution? Current { get; set; }

    /// <summary>The notebooks that ran code in this process: their variables are what a restart loses.</summary>
    public ConcurrentDictionary<long, bool> NotebooksRun { get; } = new();

    /// <summary>Output and completion of the current execution are reported through this.</summary>
    public Action<Execution, KernelMessage>? OnMessage { get; set; }

    public Task<string> Exited => _exited.Task;

    /// <summary>
    /// Launches a worker and waits until it has loaded Python and said "started". The socket is given
    /// to <paramref name="socketOwner"/> (the kernel account) so the worker may connect;
    /// <paramref name="companion"/> (the kernel's egress proxy) ends with the worker.
    /// </summary>
    public static async Task<WorkerConnection> StartAsync(IKernelLauncher launcher, KernelLaunch request, string socketFolder, KernelOptions options,
        Sandbox.KernelUser? socketOwner, IAsyncDisposable? companion, CancellationToken cancel)
    {
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(request.SocketPath));
        if (socketOwner is not null)
            Sandbox.Posix.ChangeOwner(request.SocketPath, socketOwner.Uid, socketOwner.Gid);
        listener.Listen(1);
        var process = launcher.Launch(request);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            timeout.CancelAfter(TimeSpan.FromSeconds(options.StartTimeoutSeconds));
            var accept = listener.AcceptAsync(timeout.Token).AsTask();
            var died = process.Process.WaitForExitAsync(timeout.Token);
            // When the timeout fires, both tasks end cancelled and either may come out of WhenAny first,
            // so "cancelled" is tested before "which one": a slow start always gets the same message.
            var winner = await Task.WhenAny(accept, died);
            cancel.ThrowIfCancellationRequested();
            if (winner.IsCanceled)
                throw StartFailure(process, options.StartTimeoutSeconds);
            if (winner != accept)
                throw StartFailure(process, null);
            var socket = await accept;
            var stream = new NetworkStream(socket, ownsSocket: true);
            var first = KernelFraming.ReadAsync(stream, timeout.Token);
            winner = await Task.WhenAny(first, died);
            cancel.ThrowIfCancellationRequested();
            if (winner.IsCanceled)
                throw StartFailure(process, options.StartTimeoutSeconds);
            if (winner != first || await first is not StartedNotification started)
                throw StartFailure(process, null);
            var connection = new WorkerConnection(process, stream, started, socketFolder, options.MemoryLimitBytes, companion);
            _ = connection.ReadLoopAsync();
            return connection;
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            var failure = StartFailure(process, options.StartTimeoutSeconds);
            process.Dispose();
            throw failure;
        }
        catch
        {
            process.Dispose();
            throw;
        }
    }

    public async Task SendAsync(KernelMessage message)
    {
        await _writeLock.WaitAsync();
        try
        {
            await KernelFraming.WriteAsync(_stream, message, CancellationToken.None);
        }
        catch (IOException)
        {
            // The reader notices the death and reports it; nothing more to say here.
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// Completion candidates for the code before <paramref name="cursor"/> (a Python string index) in
    /// one notebook's globals; null if the worker does not answer within <paramref name="timeout"/>
    /// (a cell busy in native code holds the interpreter) or ends meanwhile.
    /// </summary>
    public Task<CompletionsNotification?> CompleteAsync(string @namespace, string code, int cursor, TimeSpan timeout) =>
        AskAsync<CompletionsNotification>(id => new CompleteCommand(id, @namespace, code, cursor), timeout);

    /// <summary>Shift+Tab help for the name at <paramref name="cursor"/>; null as for <see cref="CompleteAsync"/>.</summary>
    public Task<InspectionNotification?> InspectAsync(string @namespace, string code, int cursor, TimeSpan timeout) =>
        AskAsync<InspectionNotification>(id => new InspectCommand(id, @namespace, code, cursor), timeout);

    // Sends a request and waits for the answer with the same id. The worker answers these on a
    // thread of their own, so they can be answered while a cell runs Python code.
    private async Task<TAnswer?> AskAsync<TAnswer>(Func<string, KernelMessage> request, TimeSpan timeout) where TAnswer : KernelMessage, IKernelAnswer
    {
        var id = Guid.NewGuid().ToString("N");
        var answer = new TaskCompletionSource<KernelMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _answers[id] = answer;
        try
        {
            await SendAsync(request(id));
            var finished = await Task.WhenAny(answer.Task, Task.Delay(timeout), Exited);
            return finished == answer.Task ? await answer.Task as TAnswer : null;
        }
        finally
        {
            _answers.TryRemove(id, out _);
        }
    }

    /// <summary>Kills the worker; <paramref name="reason"/> is what the student reads in the cell.</summary>
    public void Stop(string reason)
    {
        Interlocked.CompareExchange(ref _stopReason, reason, null);
        _process.Kill();
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (await KernelFraming.ReadAsync(_stream, CancellationToken.None) is { } message)
            {
                if (message is StatsNotification stats)
                {
                    RssBytes = stats.RssBytes;
                    GpuBytes = stats.GpuBytes;
                }
                else if (message is IKernelAnswer answer)
                {
                    if (_answers.TryGetValue(answer.Id, out var waiting))
                        waiting.TrySetResult(message);
                }
                else if (Current is { } execution && OnMessage is { } handler)
                {
                    handler(execution, message);
                }
            }
        }
        catch (Exception error) when (error is IOException or InvalidDataException or System.Text.Json.JsonException or ObjectDisposedException)
        {
        }
        _exited.TrySetResult(await ExitReasonAsync());
    }

    private async Task<string> ExitReasonAsync()
    {
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(3)))
        {
            try
            {
                await _process.Process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill();
            }
        }
        if (_stopReason is { } reason)
            return reason;
        if (_process.Cgroup?.OutOfMemoryKilled() == true)
            return $"The kernel ran out of memory (its limit is {_memoryLimit / (1024.0 * 1024 * 1024):0.#} GiB) and was killed. Variables are lost; use less memory (smaller batches or model) and run the cells again.";
        var code = _process.Process.HasExited ? _process.Process.ExitCode : -1;
        return code switch
        {
            > 128 => $"The kernel was killed by signal {code - 128} ({SignalName(code - 128)}). Variables are lost; run the cells again.",
            0 => "The kernel exited (sys.exit or os._exit in the code). Variables are lost.",
            _ => $"The kernel exited with code {code}. Variables are lost. {LastWords(_process)}".Trim(),
        };
    }

    private static string SignalName(int signal) => signal switch
    {
        9 => "SIGKILL: killed from outside, often for memory",
        11 => "SIGSEGV: a crash in native code",
        6 => "SIGABRT: native code aborted",
        15 => "SIGTERM",
        _ => "signal",
    };

    private static KernelStartException StartFailure(KernelProcess process, double? timeoutSeconds)
    {
        process.Process.WaitForExit(1000);
        var exit = process.Process.HasExited ? $"it exited with code {process.Process.ExitCode}"
            : timeoutSeconds is { } seconds ? $"it did not answer within {seconds:0} s"
            : "its first message was not \"started\"";
        return new KernelStartException($"The kernel failed to start: {exit}. {LastWords(process)}".Trim());
    }

    private static string LastWords(KernelProcess process) =>
        process.LastWords is { Length: > 0 } words ? $"It said: {words}" : "";

    public async ValueTask DisposeAsync()
    {
        Stop("The kernel was stopped.");
        await Exited.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        _process.Dispose();
        if (_companion is not null)
            await _companion.DisposeAsync();
        await _stream.DisposeAsync();
        _writeLock.Dispose();
        try
        {
            Directory.Delete(_socketFolder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
