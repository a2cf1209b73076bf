using System.Text.Json;
using System.Text.RegularExpressions;
using NanoChat.Appliance.Kernels.Sandbox;
using NanoChat.Appliance.Workspaces;

namespace NanoChat.Appliance.CourseData;

/// <summary>
/// The course data store, <c>DATA/course/</c>: one copy of each staged item whatever the class size
/// (<c>items/&lt;name&gt;/</c>, with its manifest <c>items/&lt;name&gt;.json</c>), filled through a
/// staging folder so an item appears whole or not at all, and replaced by a rename, so kernels
/// started afterwards see the new one while running ones keep the copy they were given. Plain files
/// rather than tables: the `course-data` command fills it from a shell while the service runs.
/// </summary>
public sealed partial class CourseStore(string dataDirectory)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public string Root => Path.Combine(dataDirectory, "course");
    public string ItemsFolder => Path.Combine(Root, "items");
    private string StagingFolder => Path.Combine(Root, "staging");

    /// <summary>Downloads in progress, kept across attempts so an interrupted one resumes.</summary>
    public string DownloadsFolder => Path.Combine(Root, "downloads");

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$")]
    private static partial Regex NamePattern();

    /// <summary>Null when <paramref name="name"/> can name an item, else the sentence why not.</summary>
    public static string? CheckName(string name) =>
        NamePattern().IsMatch(name) && !name.Contains("..", StringComparison.Ordinal) ? null
            : $"'{name}' cannot name a course item: use 1 to 64 lowercase letters, digits, '.', '-' and '_', starting with a letter or digit.";

    /// <summary>A name made from a file or folder name ("Eval Bundle.zip" → "eval-bundle").</summary>
    public static string NameFrom(string path)
    {
        var stem = Path.GetFileName(Path.TrimEndingDirectorySeparator(path));
        foreach (var suffix in new[] { ".tar.gz", ".tgz", ".tar", ".zip" })
        {
            if (stem.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
                stem = stem[..^suffix.Length];
        }
        var name = NameCleanup().Replace(stem.ToLowerInvariant(), "-").Trim('-', '.', '_');
        return name.Length == 0 ? "item" : name[..Math.Min(name.Length, 64)];
    }

    [GeneratedRegex("[^a-z0-9._-]+")]
    private static partial Regex NameCleanup();

    public IReadOnlyList<CourseItem> List()
    {
        if (!Directory.Exists(ItemsFolder))
            return [];
        var items = new List<CourseItem>();
        foreach (var manifest in Directory.EnumerateFiles(ItemsFolder, "*.json"))
        {
            try
            {
                if (JsonSerializer.Deserialize<CourseItem>(File.ReadAllText(manifest), Json) is { } item && Directory.Exists(FolderOf(item.Name)))
                    items.Add(item);
            }
            catch (Exception error) when (error is JsonException or IOException)
            {
                // A manifest half-written by a crash: its item is not there yet.
            }
        }
        return [.. items.OrderBy(item => item.Name, StringComparer.Ordinal)];
    }

    public CourseItem? Find(string name) => List().FirstOrDefault(item => item.Name == name);

    public string FolderOf(string name) => Path.Combine(ItemsFolder, name);

    /// <summary>An empty folder to fill; <see cref="Commit"/> makes it the item, <see cref="Discard"/> drops it.</summary>
    public string BeginStaging(string name)
    {
        var folder = Path.Combine(StagingFolder, $"{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        return folder;
    }

    public static void Discard(string staging)
    {
        if (Directory.Exists(staging))
            Directory.Delete(staging, recursive: true);
    }

    /// <summary>
    /// Makes a filled staging folder the item <paramref name="name"/>, replacing one of that name:
    /// when <paramref name="unwrap"/> (an unpacked archive), a single top-level folder is unwrapped
    /// (eval_bundle.zip holds "eval_bundle/…"), except a hub cache's own "models--…" folder; every file is made readable by the kernel account, then the folder is renamed into place and
    /// the manifest written.
    /// </summary>
    public CourseItem Commit(string staging, string name, CourseItemKind kind, string source, bool unwrap = false)
    {
        var content = unwrap ? Unwrapped(staging, kind) : staging;
        ReadableTree.Apply(content);
        var files = Directory.EnumerateFiles(content, "*", SearchOption.AllDirectories).Count();
        var item = new CourseItem(name, kind.Name, DiskUsage.Measure(content), DateTimeOffset.UtcNow, source, files);
        Directory.CreateDirectory(ItemsFolder);
        var target = FolderOf(name);
        var old = Directory.Exists(target) ? target + $".old-{Guid.NewGuid():N}" : null;
        if (old is not null)
            Directory.Move(target, old);
        Directory.Move(content, target);
        var manifest = Path.Combine(ItemsFolder, name + ".json");
        File.WriteAllText(manifest + ".tmp", JsonSerializer.Serialize(item, Json));
        File.Move(manifest + ".tmp", manifest, overwrite: true);
        if (old is not null)
            Directory.Delete(old, recursive: true);
        Discard(staging);
        return item;
    }

    public bool Remove(string name)
    {
        if (CheckName(name) is not null)
            return false;
        var manifest = Path.Combine(ItemsFolder, name + ".json");
        var existed = File.Exists(manifest);
        File.Delete(manifest);
        var folder = FolderOf(name);
        if (Directory.Exists(folder))
        {
            // Renamed first: a kernel starting now must not be given a half-deleted folder.
            var gone = folder + $".removed-{Guid.NewGuid():N}";
            Directory.Move(folder, gone);
            Directory.Delete(gone, recursive: true);
            existed = true;
        }
        return existed;
    }

    private static string Unwrapped(string staging, CourseItemKind kind)
    {
        var folders = Directory.GetDirectories(staging);
        if (folders.Length != 1 || Directory.GetFiles(staging).Length > 0)
            return staging;
        var only = Path.GetFileName(folders[0]);
        var hubEntry = new[] { "models--", "datasets--", "spaces--" }.Any(prefix => only.StartsWith(prefix, StringComparison.Ordinal));
        return kind == CourseItemKind.HubCache && hubEntry ? staging : folders[0];
    }
}
