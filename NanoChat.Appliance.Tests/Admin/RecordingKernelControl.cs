using System.Collections.Concurrent;
using NanoChat.Appliance.Admin;

namespace NanoChat.Appliance.Tests.Admin;

/// <summary>
/// A hand-written stand-in for the kernel manager (built in parallel, not in this branch): it holds
/// the rows it is given and records the calls the console makes, so the console's side of the
/// <see cref="IKernelControl"/> contract is tested. Replace with the real manager's tests at merge.
/// </summary>
public sealed class RecordingKernelControl : IKernelControl
{
    public ConcurrentQueue<(string Action, long UserId, string? Reason)> Calls { get; } = new();
    public List<KernelRow> Rows { get; } = [];

    public IReadOnlyList<KernelRow> List() => Rows.ToList();

    public Task InterruptAsync(long userId, CancellationToken cancellationToken = default) => Record("interrupt", userId, null);

    public Task RestartAsync(long userId, CancellationToken cancellationToken = default) => Record("restart", userId, null);

    public Task StopAsync(long userId, string reason, CancellationToken cancellationToken = default)
    {
        Rows.RemoveAll(row => row.UserId == userId);
        return Record("stop", userId, reason);
    }

    public IReadOnlyDictionary<long, NotebookActivity> ActivityByNotebook(long userId) => new Dictionary<long, NotebookActivity>();

    private Task Record(string action, long userId, string? reason)
    {
        Calls.Enqueue((action, userId, reason));
        return Task.CompletedTask;
    }
}
