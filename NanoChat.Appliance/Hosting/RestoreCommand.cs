using NanoChat.Appliance.Storage;

namespace NanoChat.Appliance.Hosting;

/// <summary>
/// `restore FILE --data DIR`: unpacks a backup into an empty data folder (never over a live one),
/// checks the database, and tells how to start the box on it. The next `serve` migrates an older
/// schema and makes a new signing key, so everyone signs in again.
/// </summary>
public static class RestoreCommand
{
    public static int Run(string[] args)
    {
        var shape = new CommandShape("restore", "Restores a backup into an empty data folder.", "data");
        var file = shape.Argument<string[]>("FILE", "the backup archive", System.CommandLine.ArgumentArity.ZeroOrMore);
        var parsed = shape.Parse(args);
        // The folder is named on this command line, never taken from the environment: a restore must not land in a live one by accident.
        if (parsed.Value(file) is not [var source] || !parsed.SettingFlags().ContainsKey("data"))
            return CommandLine.Fail("Use: NanoChat.Appliance restore FILE --data DIR (DIR new or empty).");
        var options = parsed.Options();
        try
        {
            BackupArchive.Restore(source, options.DataDirectory);
            var database = new Database(options.DatabasePath);
            database.Initialize();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
        catch (Exception error) when (error is IOException or InvalidDataException or Microsoft.Data.Sqlite.SqliteException
            or UnauthorizedAccessException or InvalidOperationException)
        {
            return CommandLine.Fail($"The restore failed: {error.Message}");
        }
        Console.WriteLine($"Restored {Path.GetFullPath(source)} into {options.DataDirectoryFullPath} (integrity_check: ok).");
        Console.WriteLine($"Start it with: NanoChat.Appliance serve --data {options.DataDirectoryFullPath}");
        return 0;
    }
}
