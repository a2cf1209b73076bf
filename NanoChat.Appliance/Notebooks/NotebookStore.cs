using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using NanoChat.Appliance.Hosting;
using NanoChat.Appliance.Storage;

namespace NanoChat.Appliance.Notebooks;

/// <summary>
/// Notebooks in SQLite with optimistic concurrency: a save names the revision it was based on and
/// is refused (nothing written) when another save came first. Each save also lands in a bounded
/// history. Every query filters by owner.
/// </summary>
public sealed class NotebookStore(Database database, ApplianceOptions options)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private const string Columns = "id, project_id, name, revision, updated_at, cells, metadata";

    /// <summary>
    /// The cells as UTF-8 JSON bytes, bound as a blob and stored as text by <c>CAST($c AS TEXT)</c>:
    /// half the memory of a .NET string of the same JSON, and no second copy for the history row.
    /// Written into a buffer of its own, not a pooled one: the shared ArrayPool would keep a 64 MB
    /// buffer of a big notebook alive long after the save (measured: 500 MB still held 10 s later).
    /// </summary>
    public static byte[] SerializeCells(IReadOnlyList<Cell> cells)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
            JsonSerializer.Serialize(writer, cells, Json);
        return buffer.WrittenSpan.ToArray();
    }

    public static List<Cell> DeserializeCells(string json) => StoredCellJson.Deserialize(json);

    /// <summary>The stored text's UTF-8 bytes, parsed without a .NET string of the whole notebook.</summary>
    private static List<Cell> DeserializeCells(SqliteDataReader reader, int ordinal) => StoredCellJson.Deserialize(reader.GetFieldValue<byte[]>(ordinal));

    private static Notebook Map(SqliteDataReader reader) => new(
        reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetInt64(3), reader.ReadTime(4),
        DeserializeCells(reader, 5), JsonNode.Parse(reader.GetString(6)) as JsonObject ?? []);

    public IReadOnlyList<NotebookSummary> List(long ownerId, long projectId) =>
        database.Read(connection => connection.Query(
            "SELECT id, project_id, name, revision, updated_at, json_array_length(cells) FROM notebooks WHERE owner_id = $o AND project_id = $p ORDER BY name COLLATE NOCASE, id",
            reader => new NotebookSummary(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetInt64(3), reader.ReadTime(4), reader.GetInt32(5)),
            null, ("$o", ownerId), ("$p", projectId)));

    public Notebook? Find(long ownerId, long notebookId) =>
        database.Read(connection => Find(connection, null, ownerId, notebookId));

    private static Notebook? Find(SqliteConnection connection, SqliteTransaction? transaction, long ownerId, long notebookId) =>
        connection.Query($"SELECT {Columns} FROM notebooks WHERE id = $id AND owner_id = $o", Map, transaction, ("$id", notebookId), ("$o", ownerId)).FirstOrDefault();

    /// <summary>Creates a notebook in the owner's project; null when the project is not theirs.</summary>
    public Notebook? Create(long ownerId, long projectId, string name, IReadOnlyList<Cell> cells, JsonObject? metadata = null) =>
        database.Write((connection, transaction) =>
        {
            var owns = connection.Scalar("SELECT 1 FROM projects WHERE id = $p AND owner_id = $o", transaction, ("$p", projectId), ("$o", ownerId)) is not null;
            if (!owns)
                return null;
            var now = SqliteCommandExtensions.Now();
            var cellsJson = SerializeCells(cells);
            var id = (long)connection.Scalar(
                "INSERT INTO notebooks (project_id, owner_id, name, cells, metadata, revision, created_at, updated_at) VALUES ($p, $o, $n, CAST($c AS TEXT), $m, 1, $t, $t) RETURNING id",
                transaction, ("$p", projectId), ("$o", ownerId), ("$n", name), ("$c", cellsJson), ("$m", (metadata ?? []).ToJsonString()), ("$t", now))!;
            AddRevision(connection, transaction, id, 1, name, cellsJson, now);
            return Find(connection, transaction, ownerId, id);
        });

    /// <summary>
    /// Saves when <paramref name="basedOnRevision"/> is still current. Null <paramref name="cells"/>
    /// or <paramref name="name"/> keep what is stored (a rename alone is a save too).
    /// </summary>
    public SaveOutcome Save(long ownerId, long notebookId, long basedOnRevision, string? name, IReadOnlyList<Cell>? cells, JsonObject? metadata = null) =>
        database.Write<SaveOutcome>((connection, transaction) =>
        {
            // Only the row's head is read: a save of a 30 MB notebook must not also parse the stored
            // 30 MB (twice, before and after) to answer with what it was just given.
            var head = connection.Query("SELECT project_id, name, revision, metadata FROM notebooks WHERE id = $id AND owner_id = $o",
                reader => (ProjectId: reader.GetInt64(0), Name: reader.GetString(1), Revision: reader.GetInt64(2), Metadata: reader.GetString(3)),
                transaction, ("$id", notebookId), ("$o", ownerId)).FirstOrDefault();
            if (head == default)
                return new SaveOutcome.Missing();
            if (head.Revision != basedOnRevision)
                return new SaveOutcome.Stale(head.Revision);
            var now = SqliteCommandExtensions.Now();
            var newName = name ?? head.Name;
            var savedCells = cells ?? Find(connection, transaction, ownerId, notebookId)!.Cells;
            var cellsJson = SerializeCells(savedCells);
            var metadataJson = metadata?.ToJsonString() ?? head.Metadata;
            var revision = head.Revision + 1;
            connection.Execute(
                "UPDATE notebooks SET name = $n, cells = CAST($c AS TEXT), metadata = $m, revision = $r, updated_at = $t WHERE id = $id",
                transaction, ("$n", newName), ("$c", cellsJson), ("$m", metadataJson), ("$r", revision), ("$t", now), ("$id", notebookId));
            AddRevision(connection, transaction, notebookId, revision, newName, cellsJson, now);
            return new SaveOutcome.Saved(new Notebook(notebookId, head.ProjectId, newName, revision, DateTimeOffset.FromUnixTimeMilliseconds(now),
                savedCells, JsonNode.Parse(metadataJson) as JsonObject ?? []));
        });

    public bool Delete(long ownerId, long notebookId) =>
        database.Write((connection, transaction) =>
            connection.Execute("DELETE FROM notebooks WHERE id = $id AND owner_id = $o", transaction, ("$id", notebookId), ("$o", ownerId)) > 0);

    public IReadOnlyList<NotebookRevision>? Revisions(long ownerId, long notebookId) =>
        database.Read(connection =>
            connection.Scalar("SELECT 1 FROM notebooks WHERE id = $id AND owner_id = $o", null, ("$id", notebookId), ("$o", ownerId)) is null
                ? null
                : connection.Query(
                    "SELECT revision, name, saved_at, json_array_length(cells) FROM notebook_revisions WHERE notebook_id = $id ORDER BY revision DESC",
                    reader => new NotebookRevision(reader.GetInt64(0), reader.GetString(1), reader.ReadTime(2), reader.GetInt32(3)), null, ("$id", notebookId)));

    /// <summary>The cells and name of an old revision of the owner's notebook, or null.</summary>
    public (string Name, List<Cell> Cells)? Revision(long ownerId, long notebookId, long revision) =>
        database.Read(connection => connection.Query(
            "SELECT r.name, r.cells FROM notebook_revisions r JOIN notebooks n ON n.id = r.notebook_id WHERE r.notebook_id = $id AND n.owner_id = $o AND r.revision = $r",
            reader => (reader.GetString(0), DeserializeCells(reader, 1)), null, ("$id", notebookId), ("$o", ownerId), ("$r", revision))
            .Select(row => ((string, List<Cell>)?)row).FirstOrDefault());

    private void AddRevision(SqliteConnection connection, SqliteTransaction transaction, long notebookId, long revision, string name, byte[] cellsJson, long now)
    {
        connection.Execute("INSERT INTO notebook_revisions (notebook_id, revision, name, cells, saved_at) VALUES ($id, $r, $n, CAST($c AS TEXT), $t)",
            transaction, ("$id", notebookId), ("$r", revision), ("$n", name), ("$c", cellsJson), ("$t", now));
        connection.Execute("DELETE FROM notebook_revisions WHERE notebook_id = $id AND revision <= $r - $keep",
            transaction, ("$id", notebookId), ("$r", revision), ("$keep", options.RevisionsKeptPerNotebook));
    }
}
