using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NanoChat.Appliance.Kernels.Protocol;

namespace NanoChat.Appliance.Kernels;

/// <summary>
/// All users' kernels: submits executions (row + log + queue), answers status, interrupts, restarts,
/// stops (also for the instructor console), culls idle workers, and kills every worker when the web
/// process stops. A hosted singleton of the web process.
/// </summary>
public sealed class KernelManager(KernelServices services, SandboxStatus sandbox, ILogger<KernelManager> logger) : BackgroundService
{
    private const int CullCheckSeconds = 15;

    /// <summary>Old logs are pruned on every this-many-th execution (pruning is a query per user).</summary>
    private const int PruneEvery = 20;
    private readonly ConcurrentDictionary<long, UserKernel> _kernels = new();
    private readonly ConcurrentDictionary<long, Execution> _live = new();

    public SandboxStatus Sandbox => sandbox;

    /// <summary>Namespace of chat replies in a user's worker: apart from every notebook's globals.</summary>
    public const string ChatNamespace = "chat";

    public Execution Submit(long userId, string username, long notebookId, string? cellId, string code) =>
        Submit(userId, username, notebookId, cellId, code, NotebookNamespace(notebookId));

    /// <summary>Completion candidates in a notebook's globals, from the user's running worker.</summary>
    public Task<KernelReply<CompletionsNotification>> CompleteAsync(long userId, long notebookId, string code, int cursor) =>
        _kernels.TryGetValue(userId, out var kernel)
            ? kernel.CompleteAsync(NotebookNamespace(notebookId), code, cursor, CompletionTimeout)
            : Task.FromResult(KernelReplyState.NotRunning<CompletionsNotification>());

    /// <summary>Shift+Tab help in a notebook's globals, from the user's running worker.</summary>
    public Task<KernelReply<InspectionNotification>> InspectAsync(long userId, long notebookId, string code, int cursor) =>
        _kernels.TryGetValue(userId, out var kernel)
            ? kernel.InspectAsync(NotebookNamespace(notebookId), code, cursor, CompletionTimeout)
            : Task.FromResult(KernelReplyState.NotRunning<InspectionNotification>());

    // Long enough for a completer walking a big module, short enough that a busy kernel does not hang typing.
    private static readonly TimeSpan CompletionTimeout = TimeSpan.FromSeconds(2);

    private static string NotebookNamespace(long notebookId) => string.Create(CultureInfo.InvariantCulture, $"notebook-{notebookId}");

    /// <summary>A chat reply: queued with the user's cells (they take turns), run in <see cref="ChatNamespace"/>.</summary>
    public Execution SubmitChat(long userId, string username, string code) => Submit(userId, username, 0, null, code, ChatNamespace);

    /// <summary>One of interact's controls moved: the call that re-runs its function, queued with the
    /// user's cells in the notebook's namespace, not numbered and tied to no cell.</summary>
    public Execution SubmitWidgetChange(long userId, string username, long notebookId, string widgetId, JsonObject values)
    {
        // JSON strings are also valid Python string literals, so the ids and values travel as data, not code.
        var code = $"import appliance_widgets\nappliance_widgets.changed({JsonSerializer.Serialize(widgetId)}, {JsonSerializer.Serialize(NotebookNamespace(notebookId))}, __import__('json').loads({JsonSerializer.Serialize(values.ToJsonString())}))\n";
        return Submit(userId, username, notebookId, null, code, NotebookNamespace(notebookId), silent: true);
    }

    private Execution Submit(long userId, string username, long notebookId, string? cellId, string code, string @namespace, bool silent = false)
    {
        var record = services.Store.Create(userId, notebookId, cellId);
        var log = new ExecutionLog(record.LogPath, services.Options.MaxLogBytesPerExecution);
        var execution = new Execution(record, code, log, @namespace, silent);
        _live[execution.Id] = execution;
        _ = execution.Finished.ContinueWith(_ => _live.TryRemove(execution.Id, out Execution? _), TaskScheduler.Default);
        var kernel = For(userId, username);
        // The first event tells the client which execution this is, so it can re-attach after a reload.
        log.Append(Execution.Event("execution", ("executionId", execution.Id), ("notebookId", notebookId), ("cellId", cellId),
            ("queuePosition", kernel.Snapshot().QueueLength + (kernel.IsIdle ? 0 : 1))));
        kernel.Enqueue(execution);
        if (execution.Id % PruneEvery == 0)
            _ = Task.Run(() => services.Store.PruneLogs(userId));
        return execution;
    }

    /// <summary>The in-memory log of an execution that is still queued or running, else null (read the file).</summary>
    public ExecutionLog? LiveLog(long executionId) => _live.TryGetValue(executionId, out var execution) ? execution.Log : null;

    public KernelSnapshot Status(long userId, string username) => For(userId, username).Snapshot();

    /// <summary>Every kernel that has run, for the instructor console.</summary>
    public IReadOnlyList<KernelSnapshot> List() => [.. _kernels.Values.Select(kernel => kernel.Snapshot()).OrderBy(snapshot => snapshot.Username, StringComparer.Ordinal)];

    /// <summary>Starts the user's worker if none runs (a notebook page opened: <c>POST /api/kernel/start</c>).</summary>
    public Task PrewarmAsync(long userId, string username) => For(userId, username).PrewarmAsync("a notebook was opened");

    /// <summary>Stops one of a user's executions without touching their other cells.</summary>
    public Task CancelAsync(long userId, Execution execution) =>
        _kernels.TryGetValue(userId, out var kernel) ? kernel.CancelAsync(execution) : Task.CompletedTask;

    /// <summary>The answer to input() in one of this user's running cells; false if no cell of theirs is asking.</summary>
    public Task<bool> ReplyInputAsync(long userId, long executionId, string value) =>
        _kernels.TryGetValue(userId, out var kernel) ? kernel.ReplyInputAsync(executionId, value) : Task.FromResult(false);

    public Task<bool> InterruptAsync(long userId) =>
        _kernels.TryGetValue(userId, out var kernel) ? kernel.InterruptAsync() : Task.FromResult(false);

    public Task RestartAsync(long userId, string username, string reason = "The kernel was restarted. Variables are lost.") =>
        For(userId, username).StopAsync(reason, startAgain: true);

    /// <summary>Stops a user's worker, e.g. "Stopped by the instructor."; the next cell starts a new one.</summary>
    public Task StopAsync(long userId, string reason) =>
        _kernels.TryGetValue(userId, out var kernel) ? kernel.StopAsync(reason, startAgain: false) : Task.CompletedTask;

    /// <summary>A cell of the user runs or waits in the queue (one that only waits for input() does not count, as for the idle stop).</summary>
    public bool IsRunningCode(long userId) =>
        _kernels.TryGetValue(userId, out var kernel) && !kernel.IsIdle && !kernel.WaitsOnlyForInput;

    /// <summary>The users whose worker is running now (for the workspace watchdog).</summary>
    public IReadOnlyList<(long UserId, string Username)> Running() =>
        [.. _kernels.Values.Where(kernel => kernel.HasWorker).Select(kernel => (kernel.UserId, kernel.Username))];

    /// <summary>Stops what a user's kernel is writing, keeping its variables (see <see cref="UserKernel.StopWritingAsync"/>).</summary>
    public Task<bool> StopWritingAsync(long userId, string notice) =>
        _kernels.TryGetValue(userId, out var kernel) ? kernel.StopWritingAsync(notice) : Task.FromResult(false);

    private UserKernel For(long userId, string username) => _kernels.GetOrAdd(userId, id => new UserKernel(id, username, services));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var (cgroups, sockets) = KernelLeftovers.Remove();
        if (cgroups + sockets > 0)
            logger.LogWarning("Removed what an appliance that did not stop cleanly left behind: {Cgroups} kernel cgroups, {Sockets} socket folders.", cgroups, sockets);
        var abandoned = services.Store.CloseAbandoned();
        if (abandoned > 0)
            logger.LogWarning("{Count} executions were left running by the previous appliance process; they are marked killed.", abandoned);
        foreach (var warning in sandbox.Warnings)
            logger.LogWarning("Kernel sandbox: {Warning}", warning);
        var idle = services.Options.IdleCullMinutes;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(idle > 0 ? Math.Min(CullCheckSeconds, Math.Max(0.2, idle * 30)) : CullCheckSeconds));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (idle <= 0)
                    continue;
                foreach (var kernel in _kernels.Values.Where(kernel => kernel.HasWorker && DateTimeOffset.UtcNow - kernel.LastActivity > TimeSpan.FromMinutes(idle)))
                {
                    var asking = kernel.WaitsOnlyForInput;
                    if (!asking && !kernel.IsIdle)
                        continue;
                    logger.LogInformation("Stopping the idle kernel of {User}.", kernel.Username);
                    await kernel.StopAsync(asking
                        ? $"The kernel was stopped after input() waited {idle:0.##} minutes for an answer, to free memory. Variables are lost."
                        : $"The kernel was stopped after {idle:0.##} minutes without activity, to free memory. Variables are lost.", startAgain: false);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await Task.WhenAll(_kernels.Values.Select(kernel => kernel.StopAsync("The appliance is shutting down.", startAgain: false)
            .ContinueWith(_ => { }, TaskScheduler.Default)));
        services.DeleteSocketsRoot();
    }

    internal static bool IsFinal(string status) => ExecutionStatus.IsFinal(status);
}
