using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;

namespace NanoChat.Appliance.Storage;

/// <summary>
/// A whole-appliance backup as one <c>.tar.gz</c>: <c>backup.json</c> (what and when),
/// <c>appliance.db</c> (a <see cref="Backup.WriteTo"/> copy: VACUUM INTO, integrity-checked) and
/// <c>workspaces/…</c> (each user's files). The signing key and the antiforgery keys are left out on
/// purpose: a stolen backup then holds no secret that signs sessions, and a restored box makes a new
/// key (everyone signs in again). Written to FILE.partial and renamed, so a crash never leaves a
/// half archive under the real name.
/// </summary>
public static class BackupArchive
{
    public const string DatabaseEntry = "appliance.db";
    public const string ManifestEntry = "backup.json";
    public const string WorkspacesEntry = "workspaces";

    public sealed record Manifest(int Format, DateTimeOffset CreatedAt, int SchemaVersion, string Database, string Workspaces);

    public sealed record Written(string Path, long Bytes, int WorkspaceFiles);

    public static Written Write(Database database, string workspacesDirectory, string targetPath)
    {
        var target = System.IO.Path.GetFullPath(targetPath);
        if (File.Exists(target) || Directory.Exists(target))
            throw new IOException($"'{target}' already exists; choose a new file name.");
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
        var scratch = Directory.CreateTempSubdirectory("nanochat-backup-");
        var partial = target + ".partial";
        try
        {
            var databaseCopy = System.IO.Path.Combine(scratch.FullName, DatabaseEntry);
            Backup.WriteTo(database, databaseCopy);
            var files = 0;
            using (var stream = new FileStream(partial, FileMode.CreateNew, FileAccess.Write))
            using (var gzip = new GZipStream(stream, CompressionLevel.Fastest))
            using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: false))
            {
                var manifest = new Manifest(1, DateTimeOffset.UtcNow, Migrations.LatestVersion, DatabaseEntry, WorkspacesEntry);
                var manifestEntry = new PaxTarEntry(TarEntryType.RegularFile, ManifestEntry)
                {
                    DataStream = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(manifest, new JsonSerializerOptions(JsonSerializerDefaults.Web))),
                };
                tar.WriteEntry(manifestEntry);
                tar.WriteEntry(databaseCopy, DatabaseEntry);
                if (Directory.Exists(workspacesDirectory))
                    files = AddFolder(tar, workspacesDirectory, WorkspacesEntry);
            }
            File.Move(partial, target);
            return new Written(target, new FileInfo(target).Length, files);
        }
        finally
        {
            File.Delete(partial);
            scratch.Delete(recursive: true);
        }
    }

    /// <summary>Adds a folder tree; symbolic links are stored as links (never followed out of the workspace).</summary>
    private static int AddFolder(TarWriter tar, string folder, string entryName)
    {
        var files = 0;
        tar.WriteEntry(folder, entryName + "/");
        foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos())
        {
            var name = $"{entryName}/{entry.Name}";
            if (entry is DirectoryInfo directory && directory.LinkTarget is null)
            {
                files += AddFolder(tar, directory.FullName, name);
                continue;
            }
            try
            {
                tar.WriteEntry(entry.FullName, name);
                files++;
            }
            catch (Exception error) when (error is FileNotFoundException or DirectoryNotFoundException)
            {
                // Deleted by its owner while we walked the tree: nothing to keep.
            }
        }
        return files;
    }

    /// <summary>
    /// Unpacks an archive (or a bare database copy from older backups) into an empty data folder and
    /// checks the database. Refuses a folder that holds anything, so a restore never mixes two boxes.
    /// </summary>
    public static void Restore(string archivePath, string dataDirectory)
    {
        var source = System.IO.Path.GetFullPath(archivePath);
        if (!File.Exists(source))
            throw new FileNotFoundException($"There is no backup at '{source}'.", source);
        var target = System.IO.Path.GetFullPath(dataDirectory);
        if (File.Exists(target))
            throw new IOException($"'{target}' is a file; restore into a folder.");
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
            throw new IOException($"The data folder '{target}' is not empty; restore only into a new or empty folder (move the old one aside first).");
        Directory.CreateDirectory(target);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var databasePath = System.IO.Path.Combine(target, DatabaseEntry);
        if (IsBareDatabase(source))
        {
            File.Copy(source, databasePath);
        }
        else
        {
            Extract(source, target);
            File.Delete(System.IO.Path.Combine(target, ManifestEntry));
        }
        if (!File.Exists(databasePath))
            throw new InvalidDataException($"'{source}' holds no {DatabaseEntry}; it is not an appliance backup.");
        var check = Backup.IntegrityCheck(databasePath);
        if (check != "ok")
            throw new InvalidDataException($"The restored database failed its integrity check ({check}).");
        Directory.CreateDirectory(System.IO.Path.Combine(target, WorkspacesEntry));
    }

    /// <summary>
    /// Unpacks folders and regular files, then the symbolic links found under workspaces/ (a venv
    /// links to /usr/bin/python3). Links come last, so no file is ever written through one; entries
    /// that would land outside the folder, hard links and device files are refused or skipped.
    /// </summary>
    private static void Extract(string archive, string target)
    {
        var links = new List<(string Path, string Target)>();
        var root = target.TrimEnd(System.IO.Path.DirectorySeparatorChar) + System.IO.Path.DirectorySeparatorChar;
        using (var stream = File.OpenRead(archive))
        using (var gzip = new GZipStream(stream, CompressionMode.Decompress))
        using (var tar = new TarReader(gzip))
        {
            while (tar.GetNextEntry() is { } entry)
            {
                var path = System.IO.Path.GetFullPath(System.IO.Path.Combine(target, entry.Name));
                if (!(path + System.IO.Path.DirectorySeparatorChar).StartsWith(root, StringComparison.Ordinal))
                    throw new InvalidDataException($"The backup holds '{entry.Name}', which points outside the data folder; it was not written by the appliance.");
                switch (entry.EntryType)
                {
                    case TarEntryType.Directory:
                        Directory.CreateDirectory(path);
                        break;
                    case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
                        entry.ExtractToFile(path, overwrite: false);
                        break;
                    case TarEntryType.SymbolicLink when entry.Name.StartsWith(WorkspacesEntry + "/", StringComparison.Ordinal):
                        links.Add((path, entry.LinkName));
                        break;
                }
            }
        }
        foreach (var (path, linkTarget) in links)
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            if (!File.Exists(path) && !Directory.Exists(path))
                File.CreateSymbolicLink(path, linkTarget);
        }
    }

    private static bool IsBareDatabase(string path)
    {
        Span<byte> header = stackalloc byte[16];
        using var stream = File.OpenRead(path);
        return stream.Read(header) == 16 && header.SequenceEqual("SQLite format 3\0"u8);
    }
}
