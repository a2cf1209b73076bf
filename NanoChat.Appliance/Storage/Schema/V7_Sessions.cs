namespace NanoChat.Appliance.Storage.Schema;

/// <summary>
/// Version 7: one row per sign-in (its id is the token's <c>jti</c>), so the server decides idle
/// expiry and can end one browser's session without ending the user's others. <c>last_seen</c> is
/// written at most every half minute per session (<see cref="Accounts.SessionTracker"/>); the
/// current value lives in memory. Times are Unix milliseconds like every other table.
/// </summary>
public sealed class V7_Sessions : ISchemaMigration
{
    public int Version => 7;

    public string Sql => """
        CREATE TABLE sessions (
            id TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            created_at INTEGER NOT NULL,
            last_seen INTEGER NOT NULL,
            ended_at INTEGER,
            end_reason TEXT,
            user_agent TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX sessions_user ON sessions(user_id, ended_at);
        """;
}
