using System.Globalization;
using System.Text.RegularExpressions;
using NanoChat.Appliance.Chat;

namespace NanoChat.Appliance.CourseData;

/// <summary>
/// The model shelf: checkpoint items every student can chat with and start from, without a copy in
/// their workspace. A tiny-GPT file (any other <c>*.pt</c>) is used where it is shown,
/// <c>/run/course/&lt;item&gt;/…</c>. A nanochat checkpoint is shown where nanochat's own
/// <c>load_model</c> and the walkthrough's `--model-tag` find it: an item holding
/// <c>model_NNNNNN.pt</c> at its top is a base model tagged with the item's name
/// (<c>~/.cache/nanochat/base_checkpoints/&lt;item&gt;</c>); one holding nanochat's own folders
/// (<c>chatsft_checkpoints/d20/…</c>) is shown as those folders say.
/// </summary>
public static partial class CourseShelf
{
    [GeneratedRegex(@"^model_(\d+)\.pt$")]
    private static partial Regex NanochatModelFile();

    private static readonly (string Folder, string Kind)[] Phases =
        [("base_checkpoints", CheckpointKinds.NanochatBase), ("chatsft_checkpoints", CheckpointKinds.NanochatSft), ("chatrl_checkpoints", CheckpointKinds.NanochatRl)];

    /// <summary>One shelf model: what chat lists, the host folder shown in kernels and where (relative to the workspace, or absolute).</summary>
    public sealed record Shelved(CheckpointDiscovery.Found Found, string HostFile, string? HostTagFolder, string? WorkspaceTagFolder);

    public static List<Shelved> Scan(CourseStore store)
    {
        var shelf = new List<Shelved>();
        foreach (var item in store.List().Where(item => item.Kind == CourseItemKind.Checkpoint.Name))
        {
            var root = store.FolderOf(item.Name);
            if (Newest(root) is { } top)
            {
                shelf.Add(Nanochat(item, top, root, "base_checkpoints", item.Name, CheckpointKinds.NanochatBase));
                continue;
            }
            var phased = false;
            foreach (var (folder, kind) in Phases)
            {
                var phaseRoot = Path.Combine(root, folder);
                if (!Directory.Exists(phaseRoot))
                    continue;
                foreach (var tagFolder in Directory.EnumerateDirectories(phaseRoot))
                {
                    if (Newest(tagFolder) is { } model)
                    {
                        shelf.Add(Nanochat(item, model, tagFolder, folder, Path.GetFileName(tagFolder), kind));
                        phased = true;
                    }
                }
            }
            if (phased)
                continue;
            foreach (var file in Directory.EnumerateFiles(root, "*.pt", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var info = new FileInfo(file);
                var shown = $"{CourseMounts.SandboxRoot}/{item.Name}/{Path.GetRelativePath(root, file)}";
                shelf.Add(new Shelved(new CheckpointDiscovery.Found($"{item.Name} (shelf){Suffix(root, file)}", CheckpointKinds.TinyGpt, shown, null, info.Length, item.AddedAt), file, null, null));
            }
        }
        return shelf;
    }

    /// <summary>The host file behind a checkpoint path chat was given, when it is on the shelf.</summary>
    public static string? HostFileOf(CourseStore store, string relativePath) =>
        Scan(store).FirstOrDefault(shelved => shelved.Found.RelativePath == relativePath)?.HostFile;

    private static Shelved Nanochat(CourseItem item, (string Path, long Step) model, string tagFolder, string phaseFolder, string tag, string kind)
    {
        var workspaceFolder = Path.Combine(Chat.CheckpointDiscovery.NanochatBaseFolder, phaseFolder, tag);
        var found = new CheckpointDiscovery.Found($"{item.Name} (shelf): {kind["nanochat-".Length..]} {tag} step {model.Step}", kind,
            Path.Combine(workspaceFolder, Path.GetFileName(model.Path)), model.Step, new FileInfo(model.Path).Length, item.AddedAt);
        return new Shelved(found, model.Path, tagFolder, workspaceFolder);
    }

    private static (string Path, long Step)? Newest(string folder) =>
        Directory.EnumerateFiles(folder, "model_*.pt")
            .Select(path => (Path: path, Match: NanochatModelFile().Match(Path.GetFileName(path))))
            .Where(found => found.Match.Success)
            .Select(found => (found.Path, Step: long.Parse(found.Match.Groups[1].Value, CultureInfo.InvariantCulture)))
            .OrderByDescending(found => found.Step)
            .Cast<(string, long)?>()
            .FirstOrDefault();

    private static string Suffix(string root, string file) =>
        Directory.EnumerateFiles(root, "*.pt", SearchOption.AllDirectories).Skip(1).Any() ? $": {Path.GetFileNameWithoutExtension(file)}" : "";
}
