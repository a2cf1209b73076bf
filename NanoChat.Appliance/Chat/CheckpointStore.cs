using Microsoft.Data.Sqlite;
using NanoChat.Appliance.Storage;

namespace NanoChat.Appliance.Chat;

/// <summary>
/// The checkpoints table, kept in step with what <see cref="CheckpointDiscovery"/> finds in a user's
/// workspace: new files are added, vanished ones removed, ids stay stable for files that remain.
/// Every query filters by owner.
/// </summary>
public sealed class CheckpointStore(Database database)
{
    private const string Columns = "id, name, kind, step, size_bytes, created_at, relative_path";

    private static Checkpoint Map(SqliteDataReader reader) =>
        new(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetInt64(3), reader.GetInt64(4), reader.ReadTime(5))
        {
            RelativePath = reader.GetString(6),
        };

    public IReadOnlyList<Checkpoint> Sync(long ownerId, IReadOnlyList<CheckpointDiscovery.Found> found) =>
        database.Write((connection, transaction) =>
        {
            var paths = found.Select(item => item.RelativePath).ToHashSet(StringComparer.Ordinal);
            var existing = connection.Query("SELECT id, relative_path FROM checkpoints WHERE owner_id = $o",
                reader => (Id: reader.GetInt64(0), Path: reader.GetString(1)), transaction, ("$o", ownerId));
            foreach (var gone in existing.Where(row => !paths.Contains(row.Path)))
                connection.Execute("DELETE FROM checkpoints WHERE id = $id", transaction, ("$id", gone.Id));
            foreach (var item in found)
            {
                connection.Execute("""
                    INSERT INTO checkpoints (owner_id, name, kind, relative_path, step, size_bytes, created_at)
                    VALUES ($o, $n, $k, $p, $s, $b, $t)
                    ON CONFLICT (owner_id, relative_path) DO UPDATE SET
                        name = excluded.name, kind = excluded.kind, step = excluded.step,
                        size_bytes = excluded.size_bytes, created_at = excluded.created_at
                    """, transaction, ("$o", ownerId), ("$n", item.Name), ("$k", item.Kind), ("$p", item.RelativePath),
                    ("$s", item.Step), ("$b", item.SizeBytes), ("$t", item.CreatedAt.ToUnixTimeMilliseconds()));
            }
            return connection.Query($"SELECT {Columns} FROM checkpoints WHERE owner_id = $o ORDER BY created_at DESC, id DESC", Map, transaction, ("$o", ownerId));
        });

    public Checkpoint? Find(long ownerId, long checkpointId) =>
        database.Read(connection => connection.Query($"SELECT {Columns} FROM checkpoints WHERE id = $id AND owner_id = $o", Map, null,
            ("$id", checkpointId), ("$o", ownerId)).FirstOrDefault());
}
