using System.Formats.Tar;
using System.IO.Compression;
using NanoChat.Appliance.Kernels.Sandbox;

namespace NanoChat.Appliance.CourseData;

/// <summary>
/// Fills a staging folder from a folder on the box (a USB disk) or from an archive (.tar, .tar.gz,
/// .zip, told apart by their first bytes), streaming file by file. Refused, with the member named,
/// and nothing staged: paths that would leave the folder (absolute, "..", a drive or backslash
/// path), links, devices, pipes and sockets, a file larger than the member limit, an archive
/// that unpacks to more than the archive limit.
/// </summary>
public static class CourseImport
{
    public static void FromFolder(string source, string staging)
    {
        if (!Directory.Exists(source))
            throw new CourseImportException($"The folder '{source}' does not exist.");
        var pending = new Stack<string>();
        pending.Push(source);
        while (pending.TryPop(out var current))
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(current))
            {
                var relative = Path.GetRelativePath(source, entry);
                var status = Posix.Describe(entry) ?? throw new CourseImportException($"'{relative}' in '{source}' could not be read.");
                var target = Path.Combine(staging, relative);
                if (status.IsLink)
                    throw new CourseImportException($"'{relative}' in '{source}' is a link; stage the files themselves (cp -L) instead.");
                if (status.IsDirectory)
                {
                    Directory.CreateDirectory(target);
                    pending.Push(entry);
                }
                else if (!status.IsRegularFile)
                    throw new CourseImportException($"'{relative}' in '{source}' is not a regular file (a device, pipe or socket).");
                else
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    File.Copy(entry, target);
                }
            }
        }
    }

    /// <summary>Unpacks <paramref name="archive"/> into <paramref name="staging"/>; a zip needs a file (it is read from its end).</summary>
    public static void FromArchive(string archive, string staging, CourseLimits limits)
    {
        using var file = File.OpenRead(archive);
        Span<byte> magic = stackalloc byte[4];
        var read = file.Read(magic);
        file.Position = 0;
        if (read >= 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4)
            FromZip(file, staging, limits);
        else if (read >= 2 && magic[0] == 0x1f && magic[1] == 0x8b)
        {
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            FromTar(gzip, staging, limits);
        }
        else
            FromTar(file, staging, limits);
    }

    private static void FromTar(Stream stream, string staging, CourseLimits limits)
    {
        var total = 0L;
        try
        {
            using var reader = new TarReader(stream);
            while (reader.GetNextEntry() is { } entry)
            {
                switch (entry.EntryType)
                {
                    case TarEntryType.Directory:
                        Directory.CreateDirectory(Target(staging, entry.Name));
                        break;
                    case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                        var target = Target(staging, entry.Name);
                        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                        total += Write(entry.DataStream ?? Stream.Null, target, entry.Name, limits, total);
                        break;
                    case TarEntryType.SymbolicLink or TarEntryType.HardLink:
                        throw new CourseImportException($"The archive member '{entry.Name}' is a link ({entry.LinkName}); links are not staged.");
                    case TarEntryType.CharacterDevice or TarEntryType.BlockDevice or TarEntryType.Fifo:
                        throw new CourseImportException($"The archive member '{entry.Name}' is a device or pipe; only files and folders are staged.");
                    default:
                        break; // pax and GNU headers are read by TarReader itself
                }
            }
        }
        catch (Exception error) when (error is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw new CourseImportException($"The archive is not a readable .tar, .tar.gz or .zip file ({error.Message}).");
        }
    }

    private static void FromZip(Stream stream, string staging, CourseLimits limits)
    {
        var total = 0L;
        try
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read);
            foreach (var entry in zip.Entries)
            {
                // Unix mode in the high half of the external attributes: a link is S_IFLNK.
                var unixType = (entry.ExternalAttributes >> 16) & 0xF000;
                if (unixType == 0xA000)
                    throw new CourseImportException($"The archive member '{entry.FullName}' is a link; links are not staged.");
                if (unixType is 0x2000 or 0x6000 or 0x1000 or 0xC000)
                    throw new CourseImportException($"The archive member '{entry.FullName}' is a device, pipe or socket; only files and folders are staged.");
                var target = Target(staging, entry.FullName);
                if (entry.FullName.EndsWith('/'))
                {
                    Directory.CreateDirectory(target);
                    continue;
                }
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                using var data = entry.Open();
                total += Write(data, target, entry.FullName, limits, total);
            }
        }
        catch (InvalidDataException error)
        {
            throw new CourseImportException($"The archive is not a readable .zip file ({error.Message}).");
        }
    }

    /// <summary>Where a member goes, or a refusal when its name would leave the staging folder.</summary>
    private static string Target(string staging, string name)
    {
        var clean = name.Replace('\\', '/');
        var parts = clean.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(part => part != ".").ToList();
        if (clean.StartsWith('/') || name.Contains('\\') || (clean.Length > 1 && clean[1] == ':') || parts.Count == 0 || parts.Any(part => part == ".." || part.Any(char.IsControl)))
            throw new CourseImportException($"The archive member '{name}' has a path that would leave the course folder; it is refused.");
        var target = Path.GetFullPath(Path.Combine(staging, Path.Combine([.. parts])));
        if (!target.StartsWith(Path.GetFullPath(staging) + "/", StringComparison.Ordinal))
            throw new CourseImportException($"The archive member '{name}' has a path that would leave the course folder; it is refused.");
        return target;
    }

    /// <summary>Copies one member, counting what it really holds against the limits; answers its size.</summary>
    private static long Write(Stream data, string target, string name, CourseLimits limits, long sofar)
    {
        if (File.Exists(target) || Directory.Exists(target))
            throw new CourseImportException($"The archive holds '{name}' twice.");
        using var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write);
        var buffer = new byte[1 << 16];
        var written = 0L;
        int read;
        while ((read = data.Read(buffer)) > 0)
        {
            written += read;
            if (written > limits.MaxMemberBytes)
                throw new CourseImportException($"The archive member '{name}' is larger than the {Format(limits.MaxMemberBytes)} a single file may be.");
            if (sofar + written > limits.MaxArchiveBytes)
                throw new CourseImportException($"The archive unpacks to more than the {Format(limits.MaxArchiveBytes)} an item may hold.");
            output.Write(buffer, 0, read);
        }
        return written;
    }

    private static string Format(long bytes) => Admin.ConsoleFormatting.Bytes(bytes);
}
