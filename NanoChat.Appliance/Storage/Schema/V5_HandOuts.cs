namespace NanoChat.Appliance.Storage.Schema;

/// <summary>
/// Version 3: hand-outs (a notebook or tutorial given to students) and which copy each student got,
/// so a second hand-out skips students who already have theirs and progress can be shown per copy.
/// <c>source</c> names what was handed out ("notebook:12", later "tutorial:slug").
/// </summary>
public sealed class V5_HandOuts : ISchemaMigration
{
    public int Version => 5;

    public string Sql => """
        CREATE TABLE handouts (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            notebook_name TEXT NOT NULL,
            project_name TEXT NOT NULL,
            created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
            created_at INTEGER NOT NULL,
            UNIQUE (source, project_name)
        );
        CREATE TABLE handout_copies (
            handout_id INTEGER NOT NULL REFERENCES handouts(id) ON DELETE CASCADE,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            notebook_id INTEGER REFERENCES notebooks(id) ON DELETE SET NULL,
            copied_at INTEGER NOT NULL,
            PRIMARY KEY (handout_id, user_id)
        );
        CREATE INDEX handout_copies_user ON handout_copies(user_id);
        """;
}
