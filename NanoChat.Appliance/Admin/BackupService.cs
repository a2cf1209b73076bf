using System.Globalization;
using NanoChat.Appliance.Hosting;
using NanoChat.Appliance.Storage;

namespace NanoChat.Appliance.Admin;

/// <summary>
/// Backups taken by the running server: the console's Backup button and the nightly one. One at a
/// time (a second request waits for the first); each is a <see cref="BackupArchive"/> named
/// <c>nanochat-YYYYMMDD-HHMMSS.tar.gz</c> in the backup folder, and only the newest
/// <see cref="ApplianceOptions.BackupsKept"/> of those names are kept. Singleton.
/// </summary>
public sealed class BackupService(Database database, ApplianceOptions options, EventLog events, TimeProvider clock, ILogger<BackupService> logger)
{
    private const string Prefix = "nanochat-";
    private const string Suffix = ".tar.gz";
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    public string Folder => options.BackupDirectoryFullPath;

    public async Task<BackupArchive.Written> RunAsync(string requestedBy, CancellationToken cancellationToken = default)
    {
        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            var name = Prefix + clock.GetLocalNow().ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + Suffix;
            var path = Path.Combine(Folder, name);
            for (var n = 2; File.Exists(path); n++)
                path = Path.Combine(Folder, name.Replace(Suffix, $"-{n}{Suffix}", StringComparison.Ordinal));
            var written = await Task.Run(() => BackupArchive.Write(database, options.WorkspacesDirectory, path), cancellationToken);
            events.Record(EventLog.Kinds.Backup, requestedBy, null, $"{Path.GetFileName(written.Path)} ({written.Bytes:N0} bytes, {written.WorkspaceFiles} workspace files)");
            logger.LogInformation("Backup {Path} written ({Bytes} bytes) for {RequestedBy}", written.Path, written.Bytes, requestedBy);
            Prune();
            return written;
        }
        catch (Exception error) when (error is IOException or InvalidDataException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
        {
            events.Record(EventLog.Kinds.Backup, requestedBy, null, $"failed: {error.Message}");
            throw;
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    /// <summary>The backups in the folder, newest first.</summary>
    public IReadOnlyList<FileInfo> List() =>
        Directory.Exists(Folder)
            ? new DirectoryInfo(Folder).GetFiles(Prefix + "*" + Suffix).OrderByDescending(file => file.LastWriteTimeUtc).ThenByDescending(file => file.Name.Length).ThenByDescending(file => file.Name, StringComparer.Ordinal).ToList()
            : [];

    /// <summary>
    /// The backup of that exact name in the folder, or null: only names this service writes and lists,
    /// so a download can never reach another file ("../appliance.db", "/etc/passwd").
    /// </summary>
    public FileInfo? Find(string name) => List().FirstOrDefault(file => file.Name == name);

    private void Prune()
    {
        foreach (var old in List().Skip(options.BackupsKept))
        {
            try
            {
                old.Delete();
            }
            catch (IOException error)
            {
                logger.LogWarning("Could not delete the old backup {Path}: {Message}", old.FullName, error.Message);
            }
        }
    }
}

/// <summary>
/// Takes a backup every night at <see cref="ApplianceOptions.NightlyBackupHour"/> (local time) while
/// the server runs; off with -1. A failed night is logged and recorded as an event, and tried again
/// the next night.
/// </summary>
public sealed class NightlyBackup(BackupService backups, ApplianceOptions options, TimeProvider clock, ILogger<NightlyBackup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.NightlyBackupHour < 0)
            return;
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = UntilNext(clock.GetLocalNow(), options.NightlyBackupHour);
            try
            {
                await Task.Delay(wait, clock, stoppingToken);
                await backups.RunAsync("nightly", stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error) when (error is IOException or InvalidDataException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
            {
                logger.LogError("The nightly backup into {Folder} failed: {Message}", backups.Folder, error.Message);
            }
        }
    }

    /// <summary>Time from <paramref name="now"/> to the next <paramref name="hour"/>:00 local.</summary>
    public static TimeSpan UntilNext(DateTimeOffset now, int hour)
    {
        var next = new DateTimeOffset(now.Year, now.Month, now.Day, hour, 0, 0, now.Offset);
        if (next <= now)
            next = next.AddDays(1);
        return next - now;
    }
}
