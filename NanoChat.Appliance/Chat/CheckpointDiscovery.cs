using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace NanoChat.Appliance.Chat;

/// <summary>
/// Finds a user's checkpoints in their workspace, without loading any of them (models are only ever
/// loaded inside the user's sandboxed worker). Two sources:
/// - manifests that <c>appliance.register_checkpoint(...)</c> writes from student code into
///   <c>~/.appliance/checkpoints/*.json</c> ({name, kind, path relative to home, step});
/// - nanochat's own folders under the per-user NANOCHAT_BASE_DIR (<c>~/.cache/nanochat</c>):
///   <c>{base,chatsft,chatrl}_checkpoints/&lt;tag&gt;/model_&lt;step&gt;.pt</c>, the newest step per tag.
/// Everything found there is student-written, so paths must stay inside the workspace.
/// </summary>
public static partial class CheckpointDiscovery
{
    public sealed record Found(string Name, string Kind, string RelativePath, long? Step, long SizeBytes, DateTimeOffset CreatedAt);

    public const string ManifestFolder = ".appliance/checkpoints";
    public const string NanochatBaseFolder = ".cache/nanochat";
    private const int MaxManifests = 200;
    private const int MaxManifestBytes = 16 * 1024;

    [GeneratedRegex(@"^model_(\d+)\.pt$")]
    private static partial Regex NanochatModelFile();

    public static List<Found> Scan(string workspace)
    {
        var found = new List<Found>();
        if (!Directory.Exists(workspace))
            return found;
        found.AddRange(FromManifests(workspace));
        found.AddRange(FromNanochat(workspace));
        return found.GroupBy(item => item.RelativePath, StringComparer.Ordinal).Select(group => group.First()).ToList();
    }

    private static IEnumerable<Found> FromManifests(string workspace)
    {
        var folder = Path.Combine(workspace, ManifestFolder);
        if (!Directory.Exists(folder))
            yield break;
        foreach (var file in Directory.EnumerateFiles(folder, "*.json").Take(MaxManifests))
        {
            var info = new FileInfo(file);
            if (info.Length > MaxManifestBytes || info.LinkTarget is not null)
                continue;
            Manifest? manifest;
            try
            {
                manifest = JsonSerializer.Deserialize<Manifest>(File.ReadAllText(file), new JsonSerializerOptions(JsonSerializerDefaults.Web));
            }
            catch (JsonException)
            {
                continue;
            }
            if (manifest is null || string.IsNullOrWhiteSpace(manifest.Name) || !CheckpointKinds.All.Contains(manifest.Kind))
                continue;
            if (Resolve(workspace, manifest.Path) is not { } model)
                continue;
            yield return new Found(Trim(manifest.Name), manifest.Kind!, Path.GetRelativePath(workspace, model.FullName), manifest.Step, model.Length, model.LastWriteTimeUtc);
        }
    }

    private static IEnumerable<Found> FromNanochat(string workspace)
    {
        var baseDir = Path.Combine(workspace, NanochatBaseFolder);
        foreach (var (folder, kind) in new[] { ("base_checkpoints", CheckpointKinds.NanochatBase), ("chatsft_checkpoints", CheckpointKinds.NanochatSft), ("chatrl_checkpoints", CheckpointKinds.NanochatRl) })
        {
            var root = Path.Combine(baseDir, folder);
            if (!Directory.Exists(root))
                continue;
            foreach (var tagFolder in Directory.EnumerateDirectories(root))
            {
                var newest = Directory.EnumerateFiles(tagFolder, "model_*.pt")
                    .Select(path => (Path: path, Match: NanochatModelFile().Match(Path.GetFileName(path))))
                    .Where(item => item.Match.Success)
                    .OrderByDescending(item => long.Parse(item.Match.Groups[1].Value, CultureInfo.InvariantCulture))
                    .FirstOrDefault();
                if (newest.Path is null || Resolve(workspace, newest.Path) is not { } model)
                    continue;
                var step = long.Parse(newest.Match.Groups[1].Value, CultureInfo.InvariantCulture);
                var tag = Path.GetFileName(tagFolder);
                yield return new Found($"{kind["nanochat-".Length..]} {tag} step {step}", kind, Path.GetRelativePath(workspace, model.FullName), step, model.Length, model.LastWriteTimeUtc);
            }
        }
    }

    /// <summary>The model file if <paramref name="path"/> names a regular file inside the workspace (links resolved).</summary>
    internal static FileInfo? Resolve(string workspace, string? path)
    {
        if (string.IsNullOrWhiteSpace(path) || path.Contains('\0'))
            return null;
        var root = Path.GetFullPath(workspace).TrimEnd('/') + "/";
        var full = Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(root, path));
        var info = new FileInfo(full);
        if (!info.Exists)
            return null;
        var real = info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? info.FullName;
        var realRoot = new DirectoryInfo(root).ResolveLinkTarget(true)?.FullName is { } target ? target.TrimEnd('/') + "/" : root;
        return real.StartsWith(realRoot, StringComparison.Ordinal) || real.StartsWith(root, StringComparison.Ordinal) ? new FileInfo(real) : null;
    }

    private static string Trim(string name) => name.Trim().Length > 120 ? name.Trim()[..120] : name.Trim();

    private sealed record Manifest(string? Name, string? Kind, string? Path, long? Step);
}
