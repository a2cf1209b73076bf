namespace NanoChat.Appliance.Admin;

/// <summary>
/// What the instructor console needs from the kernel manager (Kernels/): the live workers and the
/// three actions on one. The kernel manager implements it and registers it as a singleton; until it
/// does, the console says "Kernels: not available in this build" and the kernel routes answer 503.
/// Disabling or deleting an account calls <see cref="StopAsync"/> so the student's worker dies with
/// their sessions. Implementations must treat an unknown user id as a no-op, not an error.
/// </summary>
public interface IKernelControl
{
    /// <summary>One row per running (or starting) worker.</summary>
    IReadOnlyList<KernelRow> List();

    Task InterruptAsync(long userId, CancellationToken cancellationToken = default);

    Task RestartAsync(long userId, CancellationToken cancellationToken = default);

    /// <summary>Stops the worker; <paramref name="reason"/> is what the student's cell shows ("stopped by the instructor").</summary>
    Task StopAsync(long userId, string reason, CancellationToken cancellationToken = default);

    /// <summary>Cells run and errors per notebook of the user since the executions began (hand-out progress); empty when unknown.</summary>
    IReadOnlyDictionary<long, NotebookActivity> ActivityByNotebook(long userId);
}

/// <summary>
/// A worker as <c>GET /api/admin/kernels</c> shows it: <c>{userId, username, state, …, running}</c>.
/// Byte counts are null when not measured (no GPU, stats not yet received); <see cref="Running"/> is
/// null while nothing runs.
/// </summary>
public sealed record KernelRow(
    long UserId,
    string Username,
    string State,
    DateTimeOffset StartedAt,
    TimeSpan? CurrentCellRunning,
    int QueueLength,
    long? RssBytes,
    long? GpuBytes,
    string Limits,
    RunningCell? Running = null);

/// <summary>
/// What a kernel is running: which notebook (its id and name; 0 and "Chat" for a chat reply), which
/// cell (its id and its number in the notebook as last saved, null when not found there), and the
/// latest progress from the live output (a bar or the last printed line), never from a save.
/// </summary>
public sealed record RunningCell(long NotebookId, string NotebookName, string? CellId, int? CellNumber, string? Progress);

/// <summary>Executions of one notebook: how many cells ran, how many ended in an error, and when the last one ran.</summary>
public sealed record NotebookActivity(int CellsRun, int Errors, DateTimeOffset? LastRunAt);
