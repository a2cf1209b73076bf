using System.Globalization;
using Microsoft.Data.Sqlite;
using NanoChat.Appliance.Hosting;
using NanoChat.Appliance.Kernels.Protocol;
using NanoChat.Appliance.Storage;

namespace NanoChat.Appliance.Kernels;

/// <summary>An execution as stored: who ran what, how it ended, where its log is.</summary>
public sealed record ExecutionRecord(long Id, long UserId, long NotebookId, string? CellId, string Status, int? ExecutionCount,
    string? Reason, string LogPath, long LogBytes, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt);

/// <summary>
/// The executions table: one row per run of a cell, every read filtered by its owner. Log files live
/// under DATA/logs/executions/&lt;user&gt;/ and the oldest beyond the per-user quota are deleted.
/// </summary>
public sealed class ExecutionStore(Database database, ApplianceOptions options)
{
    private const string Columns = "id, user_id, notebook_id, cell_id, status, execution_count, reason, log_path, log_bytes, created_at, started_at, finished_at";

    public string LogsFolder(long userId) =>
        Path.Combine(options.DataDirectoryFullPath, "logs", "executions", userId.ToString(CultureInfo.InvariantCulture));

    public ExecutionRecord Create(long userId, long notebookId, string? cellId) => database.Write((connection, transaction) =>
    {
        var now = SqliteCommandExtensions.Now();
        var id = Convert.ToInt64(connection.Scalar(
            "INSERT INTO executions (user_id, notebook_id, cell_id, status, log_path, created_at) VALUES ($user, $notebook, $cell, 'queued', '', $now) RETURNING id;",
            transaction, ("$user", userId), ("$notebook", notebookId == 0 ? null : notebookId), ("$cell", cellId), ("$now", now)), CultureInfo.InvariantCulture);
        var path = Path.Combine(LogsFolder(userId), string.Create(CultureInfo.InvariantCulture, $"{id}.log"));
        connection.Execute("UPDATE executions SET log_path = $path WHERE id = $id;", transaction, ("$path", path), ("$id", id));
        return Find(connection, transaction, userId, id)!;
    });

    public void MarkRunning(long id, DateTimeOffset startedAt) => database.Write((connection, transaction) =>
        connection.Execute("UPDATE executions SET status = 'running', started_at = $started WHERE id = $id AND status = 'queued';",
            transaction, ("$started", startedAt.ToUnixTimeMilliseconds()), ("$id", id)));

    /// <summary>The final status; also the start time if the row never said "running" (a quick cell, see UserKernel).</summary>
    public void Finish(long id, string status, int? executionCount, string? reason, long logBytes, DateTimeOffset? startedAt) => database.Write((connection, transaction) =>
        connection.Execute("UPDATE executions SET status = $status, execution_count = $count, reason = $reason, log_bytes = $bytes, started_at = COALESCE(started_at, $started), finished_at = $now WHERE id = $id;",
            transaction, ("$status", status), ("$count", executionCount), ("$reason", reason), ("$bytes", logBytes), ("$started", startedAt?.ToUnixTimeMilliseconds()), ("$now", SqliteCommandExtensions.Now()), ("$id", id)));

    public ExecutionRecord? Find(long userId, long id) => database.Read(connection => Find(connection, null, userId, id));

    /// <summary>The latest execution of each cell of a notebook (the editor re-attaches to these after a reload).</summary>
    public List<ExecutionRecord> LatestPerCell(long userId, long notebookId) => database.Read(connection => connection.Query(
        $"SELECT {Columns} FROM executions WHERE id IN (SELECT MAX(id) FROM executions WHERE user_id = $user AND notebook_id = $notebook GROUP BY cell_id) ORDER BY id;",
        Map, null, ("$user", userId), ("$notebook", notebookId)));

    /// <summary>
    /// Per notebook of a user (hand-out progress on the console): how many different cells have run,
    /// how many of them failed on their latest run, and the last run of anything. Runs of no cell
    /// (interact's control changes) count only as activity: a student dragging a slider fifty times
    /// has not run fifty cells, and a cell that failed and then ran clean is not an error any more.
    /// </summary>
    public Dictionary<long, Admin.NotebookActivity> ActivityByNotebook(long userId) => database.Read(connection => connection.Query(
        """
        SELECT e.notebook_id, COUNT(DISTINCT e.cell_id),
            (SELECT COUNT(*) FROM executions latest WHERE latest.status = 'error' AND latest.id IN
                (SELECT MAX(id) FROM executions WHERE user_id = $user AND notebook_id = e.notebook_id AND cell_id IS NOT NULL GROUP BY cell_id)),
            MAX(COALESCE(e.finished_at, e.started_at, e.created_at))
        FROM executions e WHERE e.user_id = $user AND e.notebook_id IS NOT NULL GROUP BY e.notebook_id;
        """,
        reader => (Notebook: reader.GetInt64(0), Activity: new Admin.NotebookActivity(reader.GetInt32(1), reader.GetInt32(2), reader.ReadTime(3))),
        null, ("$user", userId))).ToDictionary(row => row.Notebook, row => row.Activity);

    /// <summary>Runs left queued or running by a previous web process can never finish: say so.</summary>
    public int CloseAbandoned() => database.Write((connection, transaction) => connection.Execute(
        "UPDATE executions SET status = 'killed', reason = 'The appliance stopped while this cell was queued or running.', finished_at = $now WHERE status IN ('queued', 'running');",
        transaction, ("$now", SqliteCommandExtensions.Now())));

    /// <summary>Logs kept of runs that belong to no cell (interact's control changes, chat replies):
    /// they serve only while the run streams, and a slider played with must not push out the logs of
    /// the student's cells.</summary>
    public const int CelllessLogsKept = 20;

    /// <summary>
    /// Deletes the log files of a user's oldest cell runs beyond <see cref="KernelOptions.LogsKeptPerUser"/>,
    /// and of runs of no cell beyond <see cref="CelllessLogsKept"/>.
    /// </summary>
    public void PruneLogs(long userId)
    {
        var old = database.Read(connection => connection.Query(
            """
            SELECT id, log_path FROM (SELECT id, log_path FROM executions WHERE user_id = $user AND log_path <> '' AND cell_id IS NOT NULL ORDER BY id DESC LIMIT -1 OFFSET $keep)
            UNION ALL
            SELECT id, log_path FROM (SELECT id, log_path FROM executions WHERE user_id = $user AND log_path <> '' AND cell_id IS NULL ORDER BY id DESC LIMIT -1 OFFSET $keepCellless);
            """,
            reader => (reader.GetInt64(0), reader.GetString(1)), null, ("$user", userId), ("$keep", options.Kernels.LogsKeptPerUser),
            ("$keepCellless", Math.Min(CelllessLogsKept, options.Kernels.LogsKeptPerUser))));
        // And by size: the newest logs up to the user's budget stay, so 500 runs printing 64 MiB each
        // cannot take 32 GB of the disk the class shares. Running executions have no size yet.
        var kept = 0L;
        foreach (var (id, path, bytes) in database.Read(connection => connection.Query(
            "SELECT id, log_path, log_bytes FROM executions WHERE user_id = $user AND log_path <> '' AND finished_at IS NOT NULL ORDER BY id DESC",
            reader => (reader.GetInt64(0), reader.GetString(1), reader.IsDBNull(2) ? 0L : reader.GetInt64(2)), null, ("$user", userId))))
        {
            kept += bytes;
            if (kept > options.Kernels.MaxLogBytesPerUser && !old.Contains((id, path)))
                old.Add((id, path));
        }
        foreach (var (id, path) in old)
        {
            File.Delete(path);
            database.Write((connection, transaction) => connection.Execute("UPDATE executions SET log_path = '' WHERE id = $id;", transaction, ("$id", id)));
        }
    }

    private static ExecutionRecord? Find(SqliteConnection connection, SqliteTransaction? transaction, long userId, long id) =>
        connection.Query($"SELECT {Columns} FROM executions WHERE id = $id AND user_id = $user;", Map, transaction, ("$id", id), ("$user", userId)).FirstOrDefault();

    private static ExecutionRecord Map(SqliteDataReader reader) => new(
        reader.GetInt64(0), reader.GetInt64(1), reader.IsDBNull(2) ? 0 : reader.GetInt64(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetString(4),
        reader.IsDBNull(5) ? null : reader.GetInt32(5), reader.IsDBNull(6) ? null : reader.GetString(6), reader.GetString(7), reader.GetInt64(8),
        reader.ReadTime(9), reader.IsDBNull(10) ? null : reader.ReadTime(10), reader.IsDBNull(11) ? null : reader.ReadTime(11));

    internal static bool IsFinal(ExecutionRecord record) => ExecutionStatus.IsFinal(record.Status);
}
