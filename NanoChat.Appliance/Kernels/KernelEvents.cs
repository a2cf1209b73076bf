using NanoChat.Appliance.Admin;

namespace NanoChat.Appliance.Kernels;

/// <summary>
/// Writes kernel starts and deaths to the appliance's event log with their reasons ("to run a cell;
/// pid 412, Python 3.11.2, sandboxed", "pid 412: Stopped by the instructor."), so the console's
/// Events page can answer "why did Amy's kernel die?". A failed write is logged and never stops a
/// kernel. Part of <see cref="KernelServices"/>.
/// </summary>
public sealed class KernelEvents(EventLog events, ILogger logger)
{
    public void Started(string username, string why, WorkerConnection worker) =>
        Record(username, () => events.KernelStarted(username,
            $"{why}; pid {worker.Process.Pid}, Python {worker.Started.PythonVersion}, {(worker.Process.Sandboxed ? "sandboxed" : "not sandboxed")}"));

    public void Ended(string username, WorkerConnection worker, string reason) =>
        Record(username, () => events.KernelEnded(username, $"pid {worker.Process.Pid}: {reason}"));

    public void DidNotStart(string username, string why, string reason) =>
        Record(username, () => events.KernelEnded(username, $"did not start ({why}): {reason}"));

    private void Record(string username, Action write)
    {
        try
        {
            write();
        }
        catch (Exception error) when (error is Microsoft.Data.Sqlite.SqliteException or IOException or InvalidOperationException or ObjectDisposedException)
        {
            logger.LogWarning("A kernel event of {User} was not recorded: {Message}", username, error.Message);
        }
    }
}
