using Microsoft.Data.Sqlite;
using NanoChat.Appliance.Storage;

namespace NanoChat.Appliance.Projects;

/// <summary>
/// A user's projects. Every query filters by owner: another user's id reads as "not found". A project
/// holding a hand-out's copy says who handed it out, so the student sees it came from the instructor.
/// </summary>
public sealed class ProjectStore(Database database)
{
    private const string Columns = """
        id, name, created_at, (SELECT COUNT(*) FROM notebooks n WHERE n.project_id = p.id),
        (SELECT COALESCE(u.username, 'your instructor') FROM handout_copies c JOIN notebooks n ON n.id = c.notebook_id
            JOIN handouts h ON h.id = c.handout_id LEFT JOIN users u ON u.id = h.created_by
            WHERE n.project_id = p.id ORDER BY c.copied_at LIMIT 1)
        """;

    private static Project Map(SqliteDataReader reader) =>
        new(reader.GetInt64(0), reader.GetString(1), reader.ReadTime(2), reader.GetInt32(3), reader.IsDBNull(4) ? null : reader.GetString(4));

    public IReadOnlyList<Project> List(long ownerId) =>
        database.Read(connection => connection.Query(
            $"SELECT {Columns} FROM projects p WHERE owner_id = $o ORDER BY created_at DESC, id DESC", Map, null, ("$o", ownerId)));

    public Project? Find(long ownerId, long projectId) =>
        database.Read(connection => connection.Query(
            $"SELECT {Columns} FROM projects p WHERE id = $id AND owner_id = $o", Map, null, ("$id", projectId), ("$o", ownerId)).FirstOrDefault());

    public Project Create(long ownerId, string name) =>
        database.Write((connection, transaction) =>
        {
            var id = (long)connection.Scalar("INSERT INTO projects (owner_id, name, created_at) VALUES ($o, $n, $t) RETURNING id",
                transaction, ("$o", ownerId), ("$n", name), ("$t", SqliteCommandExtensions.Now()))!;
            return connection.Query($"SELECT {Columns} FROM projects p WHERE id = $id", Map, transaction, ("$id", id)).Single();
        });

    /// <summary>Finds the user's project of that name or creates it (tutorial copies, hand-outs).</summary>
    public Project FindOrCreate(long ownerId, string name) =>
        database.Write((connection, transaction) =>
        {
            var id = connection.Scalar("SELECT id FROM projects WHERE owner_id = $o AND name = $n ORDER BY id LIMIT 1", transaction, ("$o", ownerId), ("$n", name)) as long?
                ?? (long)connection.Scalar("INSERT INTO projects (owner_id, name, created_at) VALUES ($o, $n, $t) RETURNING id",
                    transaction, ("$o", ownerId), ("$n", name), ("$t", SqliteCommandExtensions.Now()))!;
            return connection.Query($"SELECT {Columns} FROM projects p WHERE id = $id", Map, transaction, ("$id", id)).Single();
        });

    public Project? Rename(long ownerId, long projectId, string name) =>
        database.Write((connection, transaction) =>
            connection.Execute("UPDATE projects SET name = $n WHERE id = $id AND owner_id = $o", transaction, ("$n", name), ("$id", projectId), ("$o", ownerId)) == 0
                ? null
                : connection.Query($"SELECT {Columns} FROM projects p WHERE id = $id", Map, transaction, ("$id", projectId)).Single());

    /// <summary>Deletes the project and (by foreign key cascade) its notebooks and their history.</summary>
    public bool Delete(long ownerId, long projectId) =>
        database.Write((connection, transaction) =>
            connection.Execute("DELETE FROM projects WHERE id = $id AND owner_id = $o", transaction, ("$id", projectId), ("$o", ownerId)) > 0);
}

/// <summary>A project as the API shows it: <c>{id, name, createdAt, notebookCount, handedOutBy}</c> (the instructor's name when it holds a hand-out, else null).</summary>
public sealed record Project(long Id, string Name, DateTimeOffset CreatedAt, int NotebookCount, string? HandedOutBy = null);
