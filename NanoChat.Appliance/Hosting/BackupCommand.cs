using NanoChat.Appliance.Storage;

namespace NanoChat.Appliance.Hosting;

/// <summary>
/// `backup FILE [--data DIR]`: one .tar.gz with a checked copy of the database (VACUUM INTO +
/// integrity_check) and the workspaces (<see cref="BackupArchive"/>); safe while the server runs.
/// </summary>
public static class BackupCommand
{
    public static int Run(string[] args)
    {
        var shape = new CommandShape("backup", "Writes a backup archive.", "data");
        var file = shape.Argument<string[]>("FILE", "the .tar.gz to write", System.CommandLine.ArgumentArity.ZeroOrMore);
        var parsed = shape.Parse(args);
        if (parsed.Value(file) is not [var target])
            return CommandLine.Fail("'backup' takes one file name: NanoChat.Appliance backup FILE.tar.gz [--data DIR].");
        var options = parsed.Options();
        if (!File.Exists(options.DatabasePath))
            return CommandLine.Fail($"There is no database at '{options.DatabasePath}'; point --data at the appliance's data folder.");
        try
        {
            var database = new Database(options.DatabasePath);
            database.Initialize();
            var written = BackupArchive.Write(database, options.WorkspacesDirectory, target);
            Console.WriteLine($"Backed up {options.DataDirectoryFullPath} to {written.Path} ({written.Bytes:N0} bytes, {written.WorkspaceFiles} workspace files; integrity_check: ok).");
            return 0;
        }
        catch (Exception error) when (error is IOException or InvalidDataException or Microsoft.Data.Sqlite.SqliteException or UnauthorizedAccessException)
        {
            return CommandLine.Fail($"The backup failed: {error.Message}");
        }
    }
}
