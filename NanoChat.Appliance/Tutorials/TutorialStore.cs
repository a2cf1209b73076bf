using Microsoft.Data.Sqlite;
using NanoChat.Appliance.Storage;

namespace NanoChat.Appliance.Tutorials;

/// <summary>
/// The tutorial tables: instructor uploads (their .ipynb text in the database, keyed by slug) and
/// the copies users made. Copies are only ever recorded, never changed: a copy is the user's own notebook.
/// </summary>
public sealed class TutorialStore(Database database)
{
    public IReadOnlyList<Tutorial> Uploads() =>
        database.Read(connection => connection.Query(
            "SELECT slug, title, summary, level, requires_gpu, cell_count, version, content FROM tutorials ORDER BY title COLLATE NOCASE",
            MapUpload, null));

    /// <summary>Adds or replaces an uploaded tutorial; true when it was new.</summary>
    public bool SaveUpload(Tutorial tutorial, long uploadedBy) =>
        database.Write((connection, transaction) =>
        {
            var existed = connection.Scalar("SELECT 1 FROM tutorials WHERE slug = $s", transaction, ("$s", tutorial.Slug)) is not null;
            connection.Execute(
                """
                INSERT INTO tutorials (slug, title, summary, level, requires_gpu, cell_count, content, version, uploaded_by, uploaded_at)
                VALUES ($s, $t, $m, $l, $g, $n, $c, $v, $u, $at)
                ON CONFLICT(slug) DO UPDATE SET title = $t, summary = $m, level = $l, requires_gpu = $g, cell_count = $n, content = $c, version = $v, uploaded_by = $u, uploaded_at = $at
                """,
                transaction, ("$s", tutorial.Slug), ("$t", tutorial.Title), ("$m", tutorial.Summary), ("$l", tutorial.Level),
                ("$g", tutorial.RequiresGpu ? 1 : 0), ("$n", tutorial.CellCount), ("$c", tutorial.Content), ("$v", tutorial.Version), ("$u", uploadedBy), ("$at", SqliteCommandExtensions.Now()));
            return !existed;
        });

    public bool DeleteUpload(string slug) =>
        database.Write((connection, transaction) => connection.Execute("DELETE FROM tutorials WHERE slug = $s", transaction, ("$s", slug)) > 0);

    public void RecordCopy(long ownerId, string slug, string version, long notebookId) =>
        database.Write((connection, transaction) => connection.Execute(
            "INSERT INTO tutorial_copies (owner_id, slug, version, notebook_id, copied_at) VALUES ($o, $s, $v, $n, $t)",
            transaction, ("$o", ownerId), ("$s", slug), ("$v", version), ("$n", notebookId), ("$t", SqliteCommandExtensions.Now())));

    /// <summary>The owner's newest copy of each tutorial whose notebook still exists (deleted copies are forgotten).</summary>
    public Dictionary<string, TutorialCopy> LatestCopies(long ownerId) =>
        database.Read(connection => connection.Query(
            """
            SELECT c.slug, c.notebook_id, n.project_id, c.version, c.copied_at FROM tutorial_copies c
            JOIN notebooks n ON n.id = c.notebook_id AND n.owner_id = c.owner_id
            WHERE c.owner_id = $o ORDER BY c.id
            """,
            reader => (Slug: reader.GetString(0), Copy: new TutorialCopy(reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3), reader.ReadTime(4))),
            null, ("$o", ownerId)))
            .GroupBy(row => row.Slug, StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.Last().Copy, StringComparer.Ordinal);

    public int CopyCount(long ownerId, string slug) =>
        database.Read(connection => Convert.ToInt32(connection.Scalar(
            "SELECT COUNT(*) FROM tutorial_copies c JOIN notebooks n ON n.id = c.notebook_id WHERE c.owner_id = $o AND c.slug = $s",
            null, ("$o", ownerId), ("$s", slug)), System.Globalization.CultureInfo.InvariantCulture));

    private static Tutorial MapUpload(SqliteDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4) != 0,
        reader.GetInt32(5), reader.GetString(6), Tutorial.Uploaded, reader.GetString(7));
}
