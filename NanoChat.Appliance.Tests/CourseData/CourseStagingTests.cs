using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using NanoChat.Appliance.CourseData;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.CourseData;

/// <summary>Staging from a folder and from archives, with what must be refused; real files, real tar and zip.</summary>
public sealed class CourseStagingTests : IDisposable
{
    private readonly string _data = TempFolders.Create("course-data");
    private readonly string _work = TempFolders.Create("course-sources");
    private readonly CourseStore _store;
    private readonly HttpClient _http = new();

    public CourseStagingTests() => _store = new CourseStore(_data);

    public void Dispose()
    {
        _http.Dispose();
        TempFolders.Delete(_data);
        TempFolders.Delete(_work);
    }

    private CourseStaging Staging(CourseLimits? limits = null) =>
        new(_store, new CourseDownload(_http, _store), limits ?? CourseLimits.Default, () => long.MaxValue);

    private string Write(string relative, string text)
    {
        var path = Path.Combine(_work, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private void AssertNothingStaged(string name)
    {
        Assert.Null(_store.Find(name));
        Assert.False(Directory.Exists(_store.FolderOf(name)));
        Assert.Empty(Directory.Exists(Path.Combine(_store.Root, "staging")) ? Directory.GetFileSystemEntries(Path.Combine(_store.Root, "staging")) : []);
    }

    [Fact]
    public async Task A_folder_on_the_box_is_staged_whole_with_its_kind_size_and_date()
    {
        Write("usb/climbmix/shard_00000.parquet", new string('a', 5000));
        Write("usb/climbmix/shard_00001.parquet", new string('b', 3000));
        Write("usb/climbmix/more/readme.txt", "hello");

        var item = await Staging().AddAsync(Path.Combine(_work, "usb", "climbmix"), CourseItemKind.Shards, null, null, null, CancellationToken.None);

        Assert.Equal("climbmix", item.Name);
        Assert.Equal("shards", item.Kind);
        Assert.Equal(3, item.Files);
        Assert.True(item.SizeBytes >= 8005, item.SizeBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(DateTimeOffset.UtcNow - item.AddedAt < TimeSpan.FromMinutes(1));
        Assert.Equal([item], _store.List());
        Assert.Equal(new string('b', 3000), File.ReadAllText(Path.Combine(_store.FolderOf("climbmix"), "shard_00001.parquet")));
        // Readable by every account (the kernel's), whatever the umask was.
        Assert.True(File.GetUnixFileMode(Path.Combine(_store.FolderOf("climbmix"), "more", "readme.txt")).HasFlag(UnixFileMode.OtherRead));

        // Staged again under the same name, the item is replaced whole.
        File.Delete(Path.Combine(_work, "usb", "climbmix", "shard_00000.parquet"));
        var again = await Staging().AddAsync(Path.Combine(_work, "usb", "climbmix"), CourseItemKind.Shards, null, null, null, CancellationToken.None);
        Assert.Equal(2, again.Files);
        Assert.False(File.Exists(Path.Combine(_store.FolderOf("climbmix"), "shard_00000.parquet")));
        Assert.True(_store.Remove("climbmix"));
        Assert.Empty(_store.List());
    }

    [Fact]
    public async Task A_folder_with_a_link_is_refused_and_nothing_is_staged()
    {
        Write("usb/data/a.txt", "a");
        File.CreateSymbolicLink(Path.Combine(_work, "usb", "data", "secret"), "/etc/shadow");
        var error = await Assert.ThrowsAsync<CourseImportException>(() => Staging().AddAsync(Path.Combine(_work, "usb", "data"), CourseItemKind.Files, "data", null, null, CancellationToken.None));
        Assert.Contains("'secret'", error.Message, StringComparison.Ordinal);
        Assert.Contains("is a link", error.Message, StringComparison.Ordinal);
        AssertNothingStaged("data");
    }

    [Fact]
    public async Task A_tar_gz_is_unpacked_and_its_single_top_folder_unwrapped()
    {
        var archive = Path.Combine(_work, "eval_bundle.tar.gz");
        WriteTarGz(archive, tar =>
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "eval_bundle/"));
            AddFile(tar, "eval_bundle/core.yaml", "tasks: []");
            AddFile(tar, "eval_bundle/eval_data/a.jsonl", "{}");
        });
        var item = await Staging().AddAsync(archive, CourseItemKind.EvalBundle, null, null, null, CancellationToken.None);
        Assert.Equal("eval_bundle", item.Name);
        Assert.Equal("tasks: []", File.ReadAllText(Path.Combine(_store.FolderOf(item.Name), "core.yaml")));
        Assert.True(File.Exists(Path.Combine(_store.FolderOf(item.Name), "eval_data", "a.jsonl")));
    }

    public static TheoryData<string, string> RefusedTarMembers => new()
    {
        { "dotdot", "../escape.txt" },
        { "absolute", "/etc/cron.d/evil" },
        { "nested", "ok/../../escape.txt" },
        { "link", "link" },
        { "hardlink", "hardlink" },
        { "device", "device" },
        { "big", "big.bin" },
    };

    [Theory]
    [MemberData(nameof(RefusedTarMembers))]
    public async Task An_archive_with_a_member_that_leaves_the_store_links_devices_or_is_too_big_is_refused(string what, string member)
    {
        var archive = Path.Combine(_work, $"{what}.tar");
        using (var file = File.Create(archive))
        using (var tar = new TarWriter(file, TarEntryFormat.Pax))
        {
            AddFile(tar, "fine.txt", "fine");
            switch (what)
            {
                case "link":
                    tar.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, member) { LinkName = "/etc/shadow" });
                    break;
                case "hardlink":
                    tar.WriteEntry(new PaxTarEntry(TarEntryType.HardLink, member) { LinkName = "fine.txt" });
                    break;
                case "device":
                    tar.WriteEntry(new PaxTarEntry(TarEntryType.CharacterDevice, member) { DeviceMajor = 1, DeviceMinor = 3 });
                    break;
                case "big":
                    AddFile(tar, member, new string('x', 4096));
                    break;
                default:
                    AddFile(tar, member, "escaped");
                    break;
            }
        }
        var error = await Assert.ThrowsAsync<CourseImportException>(() =>
            Staging(new CourseLimits(1 << 20, 1024)).AddAsync(archive, CourseItemKind.Files, what, null, null, CancellationToken.None));
        Assert.Contains($"'{member}'", error.Message, StringComparison.Ordinal);
        AssertNothingStaged(what);
        Assert.False(File.Exists(Path.Combine(_work, "escape.txt")));
        Assert.False(File.Exists(Path.Combine(_data, "escape.txt")));
        Assert.False(File.Exists(Path.Combine(_data, "course", "escape.txt")));
    }

    [Fact]
    public async Task A_zip_is_unpacked_and_a_zip_with_a_link_or_a_climbing_path_is_refused()
    {
        var good = Path.Combine(_work, "tok.zip");
        using (var zip = ZipFile.Open(good, ZipArchiveMode.Create))
            WriteZipEntry(zip, "tokenizer.pkl", "pickle");
        var item = await Staging().AddAsync(good, CourseItemKind.Tokenizer, null, null, null, CancellationToken.None);
        Assert.Equal("pickle", File.ReadAllText(Path.Combine(_store.FolderOf(item.Name), "tokenizer.pkl")));

        var linked = Path.Combine(_work, "linked.zip");
        using (var zip = ZipFile.Open(linked, ZipArchiveMode.Create))
        {
            var entry = WriteZipEntry(zip, "passwd", "/etc/passwd");
            entry.ExternalAttributes = unchecked((int)(0xA1FFu << 16)); // S_IFLNK | 0777, as zip -y writes it
        }
        var refused = await Assert.ThrowsAsync<CourseImportException>(() => Staging().AddAsync(linked, CourseItemKind.Files, "linked", null, null, CancellationToken.None));
        Assert.Contains("is a link", refused.Message, StringComparison.Ordinal);
        AssertNothingStaged("linked");

        var climbing = Path.Combine(_work, "climbing.zip");
        using (var zip = ZipFile.Open(climbing, ZipArchiveMode.Create))
            WriteZipEntry(zip, "..\\..\\escape.txt", "escaped");
        var escaped = await Assert.ThrowsAsync<CourseImportException>(() => Staging().AddAsync(climbing, CourseItemKind.Files, "climbing", null, null, CancellationToken.None));
        Assert.Contains("would leave the course folder", escaped.Message, StringComparison.Ordinal);
        AssertNothingStaged("climbing");
    }

    [Fact]
    public async Task A_name_that_is_not_a_plain_name_is_refused()
    {
        Write("x/a.txt", "a");
        var error = await Assert.ThrowsAsync<CourseImportException>(() => Staging().AddAsync(Path.Combine(_work, "x"), CourseItemKind.Files, "../up", null, null, CancellationToken.None));
        Assert.Contains("cannot name a course item", error.Message, StringComparison.Ordinal);
        Assert.Equal("my-eval-bundle", CourseStore.NameFrom("/media/usb/My Eval Bundle.tar.gz"));
    }

    private static void WriteTarGz(string path, Action<TarWriter> fill)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        using var tar = new TarWriter(gzip, TarEntryFormat.Pax);
        fill(tar);
    }

    private static void AddFile(TarWriter tar, string name, string text) =>
        tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)) });

    private static ZipArchiveEntry WriteZipEntry(ZipArchive zip, string name, string text)
    {
        var entry = zip.CreateEntry(name);
        using (var writer = new StreamWriter(entry.Open()))
            writer.Write(text);
        return entry;
    }

    internal static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
