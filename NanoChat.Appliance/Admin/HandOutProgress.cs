using System.Text.Json.Nodes;
using NanoChat.Appliance.Notebooks;
using NanoChat.Appliance.Storage;

namespace NanoChat.Appliance.Admin;

/// <summary>
/// How far each student got with a hand-out. From the saved copy: saves since the copy, last save,
/// code cells that carry an execution count (ran) and cells whose outputs hold an error. When the
/// kernel manager is present (<see cref="IKernelControl.ActivityByNotebook"/>) its counts of cells
/// run win when higher, since they include runs not yet saved. Read-only; singleton.
/// </summary>
public sealed class HandOutProgress(Database database, IEnumerable<IKernelControl> kernels)
{
    public sealed record Summary(long Id, string Source, string NotebookName, string ProjectName, DateTimeOffset CreatedAt, int Copies);

    public sealed record StudentProgress(
        long UserId, string Username, long? NotebookId, DateTimeOffset CopiedAt, long? Revision, int Saves,
        DateTimeOffset? LastActivity, int CellsRun, int CodeCells, int Errors, bool Deleted);

    public IReadOnlyList<Summary> List() =>
        database.Read(connection => connection.Query(
            """
            SELECT h.id, h.source, h.notebook_name, h.project_name, h.created_at, (SELECT COUNT(*) FROM handout_copies c WHERE c.handout_id = h.id)
            FROM handouts h ORDER BY h.created_at DESC, h.id DESC
            """,
            reader => new Summary(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.ReadTime(4), reader.GetInt32(5))));

    public Summary? Find(long handOutId) => List().FirstOrDefault(summary => summary.Id == handOutId);

    public IReadOnlyList<StudentProgress> Students(long handOutId)
    {
        var rows = database.Read(connection => connection.Query(
            """
            SELECT c.user_id, u.username, c.notebook_id, c.copied_at, n.revision, n.updated_at, n.cells
            FROM handout_copies c JOIN users u ON u.id = c.user_id LEFT JOIN notebooks n ON n.id = c.notebook_id
            WHERE c.handout_id = $h ORDER BY u.username COLLATE NOCASE
            """,
            reader => (UserId: reader.GetInt64(0), Username: reader.GetString(1), NotebookId: reader.IsDBNull(2) ? (long?)null : reader.GetInt64(2),
                CopiedAt: reader.ReadTime(3), Revision: reader.IsDBNull(4) ? (long?)null : reader.GetInt64(4),
                UpdatedAt: reader.IsDBNull(5) ? (DateTimeOffset?)null : reader.ReadTime(5), Cells: reader.IsDBNull(6) ? null : reader.GetString(6)),
            null, ("$h", handOutId)));
        var control = kernels.LastOrDefault();
        return rows.Select(row =>
        {
            var cells = row.Cells is null ? [] : NotebookStore.DeserializeCells(row.Cells);
            var code = cells.Where(cell => cell.Type == "code").ToList();
            var ran = code.Count(cell => cell.ExecutionCount is not null);
            var errors = code.Count(cell => (cell.Outputs ?? []).Any(output => (output as JsonObject)?["output_type"]?.GetValue<string>() == "error"));
            var lastActivity = row.Revision > 1 ? row.UpdatedAt : null;
            if (control is not null && row.NotebookId is { } notebookId && control.ActivityByNotebook(row.UserId).TryGetValue(notebookId, out var live))
            {
                // Capped by the cells there are: runs of cells since deleted still count in the log.
                ran = Math.Min(Math.Max(ran, live.CellsRun), code.Count);
                errors = Math.Min(Math.Max(errors, live.Errors), code.Count);
                if (live.LastRunAt > lastActivity || lastActivity is null)
                    lastActivity = live.LastRunAt;
            }
            return new StudentProgress(row.UserId, row.Username, row.NotebookId, row.CopiedAt, row.Revision,
                row.Revision is { } revision ? (int)(revision - 1) : 0, lastActivity, ran, code.Count, errors, row.NotebookId is null);
        }).ToList();
    }
}
