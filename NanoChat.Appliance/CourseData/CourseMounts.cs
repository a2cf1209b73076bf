namespace NanoChat.Appliance.CourseData;

/// <summary>
/// Where a kernel sees the staged course data, read-only, decided at each kernel start (so a kernel
/// started after an item was replaced sees the new one): every item as itself under
/// <see cref="SandboxRoot"/>, and the nanochat items where nanochat looks under the kernel's
/// <c>NANOCHAT_BASE_DIR</c> (<c>~/.cache/nanochat</c>): all shards items together in
/// <c>base_data_climbmix</c>, the newest tokenizer, evaluation bundle and task data in their folders.
/// tiktoken and the Hugging Face hub are pointed at their caches and told to stay offline.
/// The shelf's nanochat models appear under nanochat's checkpoint folders there (<see cref="CourseShelf"/>).
/// The student's own checkpoints there stay in their writable workspace.
/// </summary>
public static class CourseMounts
{
    public const string SandboxRoot = "/run/course";

    /// <summary>One read-only view: a folder bound at a path, or a read-only folder of single files (shards from several items).</summary>
    public sealed record Mount(string Target, string? Folder, IReadOnlyList<(string File, string Name)> Files);

    public sealed record Plan(IReadOnlyList<Mount> Mounts, IReadOnlyDictionary<string, string> Environment, IReadOnlyList<string> NanochatFolders);

    public static Plan For(CourseStore store, string nanochatBase)
    {
        var items = store.List();
        var mounts = items.Select(item => new Mount($"{SandboxRoot}/{item.Name}", store.FolderOf(item.Name), [])).ToList();
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        var nanochatFolders = new List<string>();

        var shards = items.Where(item => item.Kind == CourseItemKind.Shards.Name)
            .SelectMany(item => Directory.EnumerateFiles(store.FolderOf(item.Name), "*", SearchOption.AllDirectories))
            .GroupBy(Path.GetFileName, StringComparer.Ordinal).Select(group => (File: group.First(), Name: group.Key!))
            .OrderBy(file => file.Name, StringComparer.Ordinal).ToList();
        if (shards.Count > 0)
        {
            mounts.Add(new Mount(Path.Combine(nanochatBase, CourseItemKind.Shards.NanochatFolder!), null, shards));
            nanochatFolders.Add(CourseItemKind.Shards.NanochatFolder!);
        }
        foreach (var kind in new[] { CourseItemKind.Tokenizer, CourseItemKind.EvalBundle, CourseItemKind.TaskData })
        {
            if (Newest(items, kind) is { } item)
            {
                mounts.Add(new Mount(Path.Combine(nanochatBase, kind.NanochatFolder!), store.FolderOf(item.Name), []));
                nanochatFolders.Add(kind.NanochatFolder!);
            }
        }
        // The shelf's nanochat models, where load_model and --model-tag find them.
        foreach (var shelved in CourseShelf.Scan(store).Where(shelved => shelved.HostTagFolder is not null))
        {
            var relative = Path.GetRelativePath(Chat.CheckpointDiscovery.NanochatBaseFolder, shelved.WorkspaceTagFolder!);
            mounts.Add(new Mount(Path.Combine(nanochatBase, relative), shelved.HostTagFolder, []));
            nanochatFolders.Add(relative);
        }
        if (Newest(items, CourseItemKind.Tiktoken) is { } tiktoken)
            environment["TIKTOKEN_CACHE_DIR"] = $"{SandboxRoot}/{tiktoken.Name}";
        if (Newest(items, CourseItemKind.HubCache) is { } hub)
        {
            environment["HF_HUB_CACHE"] = $"{SandboxRoot}/{hub.Name}";
            environment["HF_HUB_OFFLINE"] = "1";
        }
        return new Plan(mounts, environment, nanochatFolders);
    }

    private static CourseItem? Newest(IEnumerable<CourseItem> items, CourseItemKind kind) =>
        items.Where(item => item.Kind == kind.Name).OrderByDescending(item => item.AddedAt).FirstOrDefault();
}
