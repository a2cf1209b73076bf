namespace NanoChat.Appliance.Storage.Schema;

/// <summary>Trained models a user may chat with, found in (or registered from) their workspace.</summary>
public sealed class V3_Checkpoints : ISchemaMigration
{
    public int Version => 3;

    public string Sql => """
        CREATE TABLE checkpoints (
            id INTEGER PRIMARY KEY,
            owner_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            kind TEXT NOT NULL,
            relative_path TEXT NOT NULL,
            step INTEGER,
            size_bytes INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            UNIQUE (owner_id, relative_path)
        );
        """;
}
