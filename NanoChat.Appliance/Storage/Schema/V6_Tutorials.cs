namespace NanoChat.Appliance.Storage.Schema;

/// <summary>
/// Version 4: tutorials instructors upload (the .ipynb text kept in the database, keyed by a slug we
/// derive, never by the uploaded file name) and each user's copies of tutorials with the version
/// copied, so the catalog can say when a newer version exists without ever touching the copy.
/// </summary>
public sealed class V6_Tutorials : ISchemaMigration
{
    public int Version => 6;

    public string Sql => """
        CREATE TABLE tutorials (
            slug TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            summary TEXT NOT NULL,
            level TEXT NOT NULL,
            requires_gpu INTEGER NOT NULL,
            cell_count INTEGER NOT NULL,
            content TEXT NOT NULL,
            version TEXT NOT NULL,
            uploaded_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
            uploaded_at INTEGER NOT NULL
        );
        CREATE TABLE tutorial_copies (
            id INTEGER PRIMARY KEY,
            owner_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            slug TEXT NOT NULL,
            version TEXT NOT NULL,
            notebook_id INTEGER REFERENCES notebooks(id) ON DELETE SET NULL,
            copied_at INTEGER NOT NULL
        );
        CREATE INDEX tutorial_copies_owner ON tutorial_copies(owner_id, slug);
        """;
}
