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
        var options = new ApplianceOptions();
        var dataGiven = args.Any(arg => arg == "--data" || arg.StartsWith("--data=", StringComparison.Ordinal));
        var words = CommandLine.ParseCommon(args, options, "data");
        if (words.Count != 1 || !dataGiven)
            return CommandLine.Fail("Use: NanoChat.Appliance restore FILE --data DIR (DIR new or empty).");
        try
        {
            BackupArchive.Restore(words[0], options.DataDirectory);
            var database = new Database(options.DatabasePath);
            database.Initialize();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
        catch (Exception error) when (error is IOException or InvalidDataException or Microsoft.Data.Sqlite.SqliteException
            or UnauthorizedAccessException or InvalidOperationException)
        {
            return CommandLine.Fail($"The restore failed: {error.Message}");
        }
        Console.WriteLine($"Restored {Path.GetFullPath(words[0])} into {options.DataDirectoryFullPath} (integrity_check: ok).");
        Console.WriteLine($"Start it with: NanoChat.Appliance serve --data {options.DataDirectoryFullPath}");
        return 0;
    }
}
