using System.Globalization;
using NanoChat.Appliance.Admin;
using NanoChat.Appliance.Kernels.Protocol;
using NanoChat.Appliance.Notebooks;

namespace NanoChat.Appliance.Kernels;

/// <summary>
/// The instructor console's view of the kernels (<see cref="IKernelControl"/>), answered by the
/// kernel manager and the executions table. A singleton of the web process.
/// </summary>
public sealed class KernelConsoleControl(KernelManager kernels, ExecutionStore executions, NotebookStore notebooks) : IKernelControl
{
    public IReadOnlyList<KernelRow> List() =>
        [.. kernels.List()
            .Where(kernel => kernel.State is not "stopped")
            .Select(kernel => new KernelRow(
                kernel.UserId,
                kernel.Username,
                kernel.State,
                kernel.StartedAt ?? DateTimeOffset.UtcNow,
                kernel.RunningSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
                kernel.QueueLength,
                kernel.RssBytes > 0 ? kernel.RssBytes : null,
                kernel.GpuBytes > 0 ? kernel.GpuBytes : null,
                Describe(kernel.Limits),
                Running(kernel)))];

    private RunningCell? Running(KernelSnapshot kernel)
    {
        if (kernel.Queue.FirstOrDefault(item => item.Status == ExecutionStatus.Running) is not { } running)
            return null;
        var progress = kernels.LiveLog(running.ExecutionId)?.Progress.Latest;
        if (running.NotebookId == 0)
            return new RunningCell(0, "Chat", null, null, progress);
        // The student's own notebook, read as its owner would: the instructor sees its name and the cell's place.
        var notebook = notebooks.Find(kernel.UserId, running.NotebookId);
        var index = notebook?.Cells.ToList().FindIndex(cell => cell.Id == running.CellId) ?? -1;
        return new RunningCell(running.NotebookId, notebook?.Name ?? $"notebook {running.NotebookId}", running.CellId, index >= 0 ? index + 1 : null, progress);
    }

    /// <summary>Interrupts, then waits briefly for the cell to stop, so the console's answer already shows it idle.</summary>
    public async Task InterruptAsync(long userId, CancellationToken cancellationToken = default)
    {
        if (!await kernels.InterruptAsync(userId))
            return;
        var deadline = DateTimeOffset.UtcNow + InterruptSettle;
        while (DateTimeOffset.UtcNow < deadline && kernels.List().Any(kernel => kernel.UserId == userId && kernel.State == "busy"))
            await Task.Delay(50, cancellationToken);
    }

    // Most cells stop within a few hundred milliseconds of KeyboardInterrupt; a stubborn one is left to the poll.
    private static readonly TimeSpan InterruptSettle = TimeSpan.FromSeconds(2);

    public Task RestartAsync(long userId, CancellationToken cancellationToken = default) =>
        kernels.RestartAsync(userId, kernels.List().FirstOrDefault(kernel => kernel.UserId == userId)?.Username ?? "",
            "The instructor restarted your kernel. Variables are lost; run the cells again.");

    public Task StopAsync(long userId, string reason, CancellationToken cancellationToken = default) =>
        kernels.StopAsync(userId, Sentence(reason));

    public IReadOnlyDictionary<long, NotebookActivity> ActivityByNotebook(long userId) => executions.ActivityByNotebook(userId);

    private static string Describe(KernelLimits limits) => string.Join(", ", new[]
    {
        limits.MemoryBytes > 0 ? string.Create(CultureInfo.InvariantCulture, $"memory {limits.MemoryBytes / (1024.0 * 1024 * 1024):0.#} GiB") : "memory unlimited",
        limits.Pids > 0 ? string.Create(CultureInfo.InvariantCulture, $"{limits.Pids} processes") : "processes unlimited",
        limits.CpuCores > 0 ? string.Create(CultureInfo.InvariantCulture, $"{limits.CpuCores:0.#} CPUs") : "CPU unlimited",
        limits.GpuMemoryFraction > 0 ? string.Create(CultureInfo.InvariantCulture, $"GPU {limits.GpuMemoryFraction:P0}") : "GPU share unlimited",
    });

    // The console passes short reasons ("stopped by the instructor"); the student's cell shows a sentence.
    private static string Sentence(string reason)
    {
        var text = reason.Trim();
        if (text.Length == 0)
            return "The kernel was stopped.";
        text = char.ToUpperInvariant(text[0]) + text[1..];
        return text.EndsWith('.') ? text : text + ".";
    }
}
