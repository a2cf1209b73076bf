using Microsoft.Data.Sqlite;

namespace NanoChat.Appliance.Storage;

/// <summary>
/// Consistent copies of the live database with <c>VACUUM INTO</c> (never a file copy, which can
/// catch a half-written WAL), each checked with <c>PRAGMA integrity_check</c> before it is trusted.
/// Safe while the server runs: VACUUM INTO reads one snapshot.
/// </summary>
public static class Backup
{
    public static void WriteTo(Database database, string targetPath)
    {
        var target = Path.GetFullPath(targetPath);
        if (File.Exists(target))
            throw new IOException($"'{target}' already exists; choose a new file name.");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        database.Read(connection => connection.Execute("VACUUM INTO $target", null, ("$target", target)));
        var check = IntegrityCheck(target);
        if (check != "ok")
        {
            File.Delete(target);
            throw new InvalidDataException($"The backup failed its integrity check ({check}) and was deleted.");
        }
    }

    public static string IntegrityCheck(string path)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        return connection.Scalar("PRAGMA integrity_check") as string ?? "no answer";
    }
}
