namespace NanoChat.Appliance.Storage.Schema;

/// <summary>
/// Version 2: one row per cell execution, so a reloaded notebook can find and re-attach to its runs.
/// The output itself lives in a log file under DATA/logs (bounded), the row points at it.
/// </summary>
public sealed class V2_Executions : ISchemaMigration
{
    public int Version => 2;

    public string Sql => """
        CREATE TABLE executions (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            notebook_id INTEGER NOT NULL REFERENCES notebooks(id) ON DELETE CASCADE,
            cell_id TEXT,
            status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'ok', 'error', 'interrupted', 'killed')),
            execution_count INTEGER,
            reason TEXT,
            log_path TEXT NOT NULL,
            log_bytes INTEGER NOT NULL DEFAULT 0,
            created_at INTEGER NOT NULL,
            started_at INTEGER,
            finished_at INTEGER
        );
        CREATE INDEX executions_user ON executions(user_id, id);
        CREATE INDEX executions_notebook_cell ON executions(notebook_id, cell_id, id);
        """;
}
