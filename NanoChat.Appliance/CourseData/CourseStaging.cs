namespace NanoChat.Appliance.CourseData;

/// <summary>
/// Adds one item from whatever the instructor points at: an http(s) URL (downloaded, resumed,
/// checked), a folder on the box, an archive (.tar, .tar.gz, .zip) or a single file, through a
/// staging folder that is dropped on any refusal, so a refused or failed add changes nothing.
/// Before copying it checks that the item fits on the disk above the appliance's reserve.
/// </summary>
public sealed class CourseStaging(CourseStore store, CourseDownload download, CourseLimits limits, Func<long> freeBytesAboveReserve)
{
    public async Task<CourseItem> AddAsync(string source, CourseItemKind kind, string? name, string? sha256, IProgress<CourseDownload.Progress>? progress, CancellationToken cancel)
    {
        var isUrl = Uri.TryCreate(source, UriKind.Absolute, out var url) && url.Scheme is "http" or "https";
        name ??= CourseStore.NameFrom(isUrl ? Uri.UnescapeDataString(url!.AbsolutePath) : source);
        if (CourseStore.CheckName(name) is { } badName)
            throw new CourseImportException(badName);
        var staging = store.BeginStaging(name);
        try
        {
            string origin;
            var unpacked = false;
            if (isUrl)
            {
                var (file, fileName) = await download.FetchAsync(url!, sha256, progress, cancel);
                unpacked = StageFile(file, fileName, staging, move: true);
                origin = url!.AbsoluteUri;
            }
            else if (Directory.Exists(source))
            {
                EnsureRoom(SizeOf(source), source);
                await Task.Run(() => CourseImport.FromFolder(source, staging), cancel);
                origin = Path.GetFullPath(source);
            }
            else if (File.Exists(source))
            {
                unpacked = StageFile(source, Path.GetFileName(source), staging, move: false);
                origin = Path.GetFullPath(source);
            }
            else
                throw new CourseImportException($"'{source}' is neither an http(s) address nor a file or folder on this box.");
            return store.Commit(staging, name, kind, origin, unwrap: unpacked);
        }
        catch
        {
            CourseStore.Discard(staging);
            throw;
        }
    }

    /// <summary>Unpacks an archive (true), or copies (moves) a single file in as it is (false).</summary>
    private bool StageFile(string file, string fileName, string staging, bool move)
    {
        var length = new FileInfo(file).Length;
        if (IsArchive(file, fileName))
        {
            if (length > limits.MaxArchiveBytes)
                throw new CourseImportException($"The archive '{fileName}' is larger than the {Admin.ConsoleFormatting.Bytes(limits.MaxArchiveBytes)} an item may be.");
            EnsureRoom(length, fileName);
            CourseImport.FromArchive(file, staging, limits);
            if (move)
                File.Delete(file);
            return true;
        }
        if (length > limits.MaxMemberBytes)
            throw new CourseImportException($"'{fileName}' is larger than the {Admin.ConsoleFormatting.Bytes(limits.MaxMemberBytes)} a single file may be.");
        EnsureRoom(length, fileName);
        var target = Path.Combine(staging, Path.GetFileName(fileName));
        if (move)
            File.Move(file, target);
        else
            File.Copy(file, target);
        return false;
    }

    /// <summary>By name, or by content: a zip's "PK\3\4", a gzip's 1f 8b, a tar's "ustar" at 257.</summary>
    public static bool IsArchive(string file, string fileName)
    {
        if (new[] { ".tar", ".tar.gz", ".tgz", ".zip" }.Any(suffix => fileName.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)))
            return true;
        using var stream = File.OpenRead(file);
        var head = new byte[262];
        var read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return (read >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4)
            || (read >= 262 && head[257] == 'u' && head[258] == 's' && head[259] == 't' && head[260] == 'a' && head[261] == 'r');
    }

    private void EnsureRoom(long bytes, string what)
    {
        var room = freeBytesAboveReserve();
        if (bytes > room)
            throw new CourseImportException($"'{what}' needs {Admin.ConsoleFormatting.Bytes(bytes)} but only {Admin.ConsoleFormatting.Bytes(Math.Max(0, room))} are free above the disk reserve kept for the appliance.");
    }

    private static long SizeOf(string folder) =>
        Directory.EnumerateFiles(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint })
            .Sum(file => new FileInfo(file).Length);
}
