using NanoChat.Appliance.Kernels.Protocol;
using NanoChat.Appliance.Notebooks;

namespace NanoChat.Appliance.Kernels;

/// <summary>
/// The cell a student's kernel is running, named as the notebook page shows it: one kernel serves
/// all their notebooks, so a cell queued in notebook B waits for this one, and Interrupt stops it.
/// <c>CellIndex</c> is 1-based, null when the cell is no longer in the saved notebook.
/// </summary>
public sealed record KernelRunningCell(long NotebookId, string NotebookName, string? CellId, int? CellIndex)
{
    public static KernelRunningCell? Of(KernelSnapshot snapshot, long userId, NotebookStore notebooks)
    {
        var running = snapshot.Queue.FirstOrDefault(entry => entry.Status == ExecutionStatus.Running);
        if (running is null || running.NotebookId == 0) // 0: a chat reply, no notebook
            return null;
        var notebook = notebooks.Find(userId, running.NotebookId);
        if (notebook is null)
            return null;
        var index = notebook.Cells.ToList().FindIndex(cell => cell.Id == running.CellId);
        return new KernelRunningCell(notebook.Id, notebook.Name, running.CellId, index < 0 ? null : index + 1);
    }
}
