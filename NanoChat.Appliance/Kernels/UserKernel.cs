using NanoChat.Appliance.Kernels.Protocol;

namespace NanoChat.Appliance.Kernels;

/// <summary>
/// One user's kernel seat: the queue of that user's executions (run one at a time, in order), the
/// current worker (started on demand, replaced after it dies or is restarted), interrupt with a grace
/// period, and the reason the last worker ended. Lives as long as the web process, one per user
/// who has run code; the worker inside comes and goes.
/// </summary>
public sealed class UserKernel
{
    private static readonly TimeSpan RunningRowDelay = TimeSpan.FromMilliseconds(200);

    private readonly KernelServices _services;
    private readonly object _lock = new();
    private readonly LinkedList<Execution> _queue = new();
    private readonly SemaphoreSlim _wake = new(0);
    private WorkerConnection? _worker;
    private Task<WorkerConnection?>? _starting;
    private Task _watching = Task.CompletedTask;
    private Execution? _running;
    private string? _lastExitReason;

    public UserKernel(long userId, string username, KernelServices services)
    {
        UserId = userId;
        Username = username;
        _services = services;
        LastActivity = DateTimeOffset.UtcNow;
        _ = PumpAsync();
    }

    public long UserId { get; }
    public string Username { get; }
    public DateTimeOffset LastActivity { get; private set; }

    public bool IsIdle
    {
        get
        {
            lock (_lock)
                return _running is null && _queue.Count == 0;
        }
    }

    /// <summary>
    /// Nothing queued, and the running cell only waits for an answer to input(): for the idle culler
    /// as good as idle (a prompt left in a closed tab must not hold the student's GPU memory forever).
    /// </summary>
    public bool WaitsOnlyForInput
    {
        get
        {
            lock (_lock)
                return _running is { AwaitingInput: true } && _queue.Count == 0;
        }
    }

    public bool HasWorker => _worker is not null;

    public int Enqueue(Execution execution)
    {
        int position;
        lock (_lock)
        {
            _queue.AddLast(execution);
            position = _queue.Count + (_running is null ? 0 : 1);
            LastActivity = DateTimeOffset.UtcNow;
        }
        _wake.Release();
        return position;
    }

    /// <summary>Starts a worker now if none runs, so the first cell does not wait for it; <paramref name="why"/> goes to the event log.</summary>
    public Task PrewarmAsync(string why) => EnsureWorkerAsync(null, why);

    /// <summary>Completions from the running worker; none when no worker runs (completing never starts one).</summary>
    public Task<KernelReply<CompletionsNotification>> CompleteAsync(string @namespace, string code, int cursor, TimeSpan timeout) =>
        AskRunningWorkerAsync(worker => worker.CompleteAsync(@namespace, code, cursor, timeout));

    /// <summary>Shift+Tab help from the running worker; none when no worker runs (asking never starts one).</summary>
    public Task<KernelReply<InspectionNotification>> InspectAsync(string @namespace, string code, int cursor, TimeSpan timeout) =>
        AskRunningWorkerAsync(worker => worker.InspectAsync(@namespace, code, cursor, timeout));

    private async Task<KernelReply<T>> AskRunningWorkerAsync<T>(Func<WorkerConnection, Task<T?>> ask) where T : class
    {
        if (RunningWorker() is not { } worker)
            return KernelReplyState.NotRunning<T>();
        return await ask(worker) is { } answer ? new(answer, KernelReplyState.Ok) : new(null, KernelReplyState.Busy);
    }

    private WorkerConnection? RunningWorker()
    {
        lock (_lock)
            return _worker is { Exited.IsCompleted: false } alive ? alive : null;
    }

    /// <summary>KeyboardInterrupt into the running cell; queued cells are not run; kill after the grace period.</summary>
    public async Task<bool> InterruptAsync()
    {
        Execution? running;
        WorkerConnection? worker;
        List<Execution> cancelled;
        lock (_lock)
        {
            running = _running;
            worker = _worker;
            cancelled = [.. _queue];
            _queue.Clear();
        }
        foreach (var execution in cancelled)
            _services.Finish(execution, ExecutionStatus.Interrupted, null, 0, "Not run: the kernel was interrupted before this cell started.");
        if (running is null || worker is null)
            return cancelled.Count > 0;
        await worker.SendAsync(new InterruptCommand(running.Key));
        var grace = TimeSpan.FromSeconds(_services.Options.InterruptGraceSeconds);
        _ = Task.Delay(grace).ContinueWith(_ =>
        {
            if (running.Finished.IsCompleted)
                return;
            worker.Stop($"The cell did not stop within {grace.TotalSeconds:0.#} s of the interrupt (a long native operation, such as one big torch call, cannot be interrupted), so the kernel was restarted. Variables are lost; run the cells again.");
        }, TaskScheduler.Default);
        return true;
    }

    /// <summary>Sends the student's line to the running cell's input(); false if that cell is not running or not asking.</summary>
    public async Task<bool> ReplyInputAsync(long executionId, string value)
    {
        Execution? running;
        WorkerConnection? worker;
        lock (_lock)
        {
            running = _running;
            worker = _worker;
        }
        if (running is null || running.Id != executionId || worker is null || !running.TryClaimInput())
            return false;
        // Tells every tab following this run that the question is answered (their fields go).
        running.Log.Append(Execution.Event("input_reply"));
        await worker.SendAsync(new InputReplyCommand(running.Key, value));
        return true;
    }

    /// <summary>
    /// Stops one execution and nothing else (chat's Stop button): dropped if still queued, interrupted
    /// if running, with the same grace-period kill as <see cref="InterruptAsync"/>.
    /// </summary>
    public async Task CancelAsync(Execution execution)
    {
        WorkerConnection? worker;
        bool wasQueued, isRunning;
        lock (_lock)
        {
            wasQueued = _queue.Remove(execution);
            isRunning = ReferenceEquals(_running, execution);
            worker = _worker;
        }
        if (wasQueued)
        {
            _services.Finish(execution, ExecutionStatus.Interrupted, null, 0, "Stopped before it started.");
            return;
        }
        if (!isRunning || worker is null)
            return;
        await worker.SendAsync(new InterruptCommand(execution.Key));
        var grace = TimeSpan.FromSeconds(_services.Options.InterruptGraceSeconds);
        _ = Task.Delay(grace).ContinueWith(_ =>
        {
            if (!execution.Finished.IsCompleted)
                worker.Stop($"The reply did not stop within {grace.TotalSeconds:0.#} s, so the kernel was restarted. Variables are lost.");
        }, TaskScheduler.Default);
    }

    /// <summary>
    /// Stops whatever is writing, keeping the student's variables: <paramref name="notice"/> in the
    /// running cell, every process the kernel started killed (`!dd …`, a background job), and the
    /// running cell interrupted, with the usual grace before the worker is killed. False when no
    /// worker runs.
    /// </summary>
    public async Task<bool> StopWritingAsync(string notice)
    {
        Execution? running;
        WorkerConnection? worker;
        lock (_lock)
        {
            running = _running;
            worker = _worker;
        }
        if (worker is null)
            return false;
        running?.Log.Append(Execution.Event("stderr", ("text", notice + "\n")));
        worker.Process.KillProcessesOtherThanTheWorker(worker.Started.Pid);
        if (running is null)
            return true;
        await worker.SendAsync(new InterruptCommand(running.Key));
        var grace = TimeSpan.FromSeconds(_services.Options.InterruptGraceSeconds);
        _ = Task.Delay(grace).ContinueWith(_ =>
        {
            if (!running.Finished.IsCompleted)
                worker.Stop($"{notice} The cell did not stop within {grace.TotalSeconds:0.#} s, so the kernel was restarted. Variables are lost.");
        }, TaskScheduler.Default);
        return true;
    }

    /// <summary>Ends the worker (running and queued cells end with <paramref name="reason"/>); a new one starts on the next cell, or now when <paramref name="startAgain"/>.</summary>
    public async Task StopAsync(string reason, bool startAgain)
    {
        WorkerConnection? worker;
        List<Execution> cancelled;
        lock (_lock)
        {
            worker = _worker;
            cancelled = [.. _queue];
            _queue.Clear();
        }
        foreach (var execution in cancelled)
            _services.Finish(execution, ExecutionStatus.Killed, null, 0, $"Not run: {reason}");
        if (worker is not null)
        {
            worker.Stop(reason);
            await worker.Exited.WaitAsync(TimeSpan.FromSeconds(10));
            // The watcher disposes the process and removes its cgroup; at shutdown, wait for that
            // too, or the process may end first and leave empty cgroup folders behind.
            await _watching.WaitAsync(TimeSpan.FromSeconds(10));
        }
        if (startAgain)
            await PrewarmAsync("restarted");
    }

    public KernelSnapshot Snapshot()
    {
        lock (_lock)
        {
            var worker = _worker;
            var now = DateTimeOffset.UtcNow;
            var state = worker is null ? (_starting is { IsCompleted: false } ? "starting" : "stopped") : _running is null ? "idle" : "busy";
            var queue = new List<QueuedExecution>();
            if (_running is { } running)
                queue.Add(new QueuedExecution(running.Id, running.NotebookId, running.CellId, ExecutionStatus.Running));
            queue.AddRange(_queue.Select(e => new QueuedExecution(e.Id, e.NotebookId, e.CellId, ExecutionStatus.Queued)));
            return new KernelSnapshot(UserId, Username, state, worker?.Process.Pid, worker?.StartedAt,
                worker is null ? null : (long)(now - worker.StartedAt).TotalSeconds,
                _running?.StartedAt is { } started ? (now - started).TotalSeconds : null,
                _queue.Count, queue, worker?.RssBytes ?? 0, worker?.GpuBytes ?? 0, worker?.Started.PythonVersion,
                worker?.Process.Sandboxed ?? false, worker?.Process.Cgroup?.Folders ?? [], _services.Limits, _lastExitReason, worker?.NotebooksRun.Count ?? 0);
        }
    }

    private async Task PumpAsync()
    {
        while (true)
        {
            await _wake.WaitAsync();
            Execution? next;
            lock (_lock)
            {
                next = _queue.First?.Value;
                if (next is null)
                    continue;
                _queue.RemoveFirst();
                _running = next;
            }
            try
            {
                await RunAsync(next);
            }
            catch (Exception error)
            {
                _services.Finish(next, ExecutionStatus.Killed, null, 0, $"The kernel failed: {error.Message}");
            }
            lock (_lock)
            {
                _running = null;
                LastActivity = DateTimeOffset.UtcNow;
            }
        }
    }

    private async Task RunAsync(Execution execution)
    {
        var worker = await EnsureWorkerAsync(execution, execution.Namespace == KernelManager.ChatNamespace ? "for a chat reply" : "to run a cell");
        if (worker is null || execution.Finished.IsCompleted)
            return;
        execution.StartedAt = DateTimeOffset.UtcNow;
        execution.Status = ExecutionStatus.Running;
        execution.Log.Append(Execution.Event("status", ("state", ExecutionStatus.Running)));
        worker.Current = execution;
        if (execution.Namespace != KernelManager.ChatNamespace) worker.NotebooksRun.TryAdd(execution.NotebookId, true);
        await worker.SendAsync(new ExecuteCommand(execution.Key, execution.Namespace, execution.Code, execution.Silent));
        _ = MarkRunningUnlessQuickAsync(execution);
        if (await Task.WhenAny(execution.Finished, worker.Exited) != execution.Finished)
        {
            var reason = await worker.Exited;
            _services.Finish(execution, ExecutionStatus.Killed, null, (long)(DateTimeOffset.UtcNow - execution.StartedAt.Value).TotalMilliseconds, reason);
        }
    }

    /// <summary>
    /// The row says "running" only once a cell has run for <see cref="RunningRowDelay"/>: a quick cell's
    /// row goes from queued to its final status in one write (which records the start time), one
    /// database transaction fewer competing for the CPU while the answer is on its way. The stream
    /// says "running" at once either way.
    /// </summary>
    private async Task MarkRunningUnlessQuickAsync(Execution execution)
    {
        if (await Task.WhenAny(execution.Finished, Task.Delay(RunningRowDelay)) == execution.Finished)
            return;
        try
        {
            _services.Store.MarkRunning(execution.Id, execution.StartedAt!.Value); // no-op once finished: guarded by status = 'queued'
        }
        catch (Exception error)
        {
            _services.Logger.LogWarning(error, "Execution {Id} runs but its row could not say so.", execution.Id);
        }
    }

    /// <summary>The live worker, starting one if needed; null (with the execution finished as killed) if it cannot start.</summary>
    private async Task<WorkerConnection?> EnsureWorkerAsync(Execution? forExecution, string why)
    {
        Task<WorkerConnection?> starting;
        lock (_lock)
        {
            if (_worker is { Exited.IsCompleted: false } alive)
                return alive;
            if (_starting is null || _starting.IsCompleted)
            {
                if (forExecution is not null && _lastExitReason is { } previous)
                    forExecution.Log.Append(Execution.Event("status", ("state", "starting"),
                        ("message", $"Starting a new kernel. The previous one ended: {previous}")));
                _starting = StartWorkerAsync(why);
            }
            starting = _starting;
        }
        var worker = await starting;
        if (worker is null && forExecution is not null)
            _services.Finish(forExecution, ExecutionStatus.Killed, null, 0, _lastExitReason ?? "The kernel could not start.");
        return worker;
    }

    private async Task<WorkerConnection?> StartWorkerAsync(string why)
    {
        try
        {
            var worker = await _services.StartWorkerAsync(UserId, Username);
            worker.OnMessage = OnWorkerMessage;
            lock (_lock)
                _worker = worker;
            _watching = WatchAsync(worker);
            _services.Events.Started(Username, why, worker);
            return worker;
        }
        catch (KernelStartException error)
        {
            lock (_lock)
                _lastExitReason = error.Message;
            _services.Logger.LogWarning("The kernel of {User} failed to start: {Reason}", Username, error.Message);
            _services.Events.DidNotStart(Username, why, error.Message);
            return null;
        }
    }


    private async Task WatchAsync(WorkerConnection worker)
    {
        var reason = await worker.Exited;
        lock (_lock)
        {
            if (_worker == worker)
                _worker = null;
            _lastExitReason = reason;
        }
        _services.Logger.LogInformation("The kernel of {User} (pid {Pid}) ended: {Reason}", Username, worker.Process.Pid, reason);
        _services.Events.Ended(Username, worker, reason);
        await worker.DisposeAsync();
    }

    private void OnWorkerMessage(Execution execution, KernelMessage message)
    {
        switch (message)
        {
            case InputRequestNotification:
                execution.MarkAwaitingInput(); // first: a page may answer as soon as the event is in the log
                lock (_lock)
                    LastActivity = DateTimeOffset.UtcNow; // the idle clock of an unanswered question starts now
                break;
            case DoneNotification done:
                _services.Finish(execution, done.Status, done.ExecutionCount, done.DurationMs, null);
                return;
        }
        if (WorkerEvents.ToLogEvent(message) is { } logged)
            execution.Log.Append(logged);
    }
}
