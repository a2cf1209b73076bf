namespace NanoChat.Appliance.Kernels.Sandbox;

/// <summary>
/// What one kernel's bubblewrap sandbox shows, as bwrap arguments: the host read-only, its own /proc,
/// /dev, /tmp, /dev/shm and an empty /run (no host sockets such as D-Bus's), its own pid, ipc, uts
/// and network namespaces (no host loopback, no host abstract sockets, no internet), no capabilities,
/// the data folder hidden except this user's workspace (writable) and <see cref="AlwaysShown"/> (the
/// appliance's own venv under the data folder, the single file's unpacked libraries), the
/// kernel's socket folder read-only. <see cref="ReadOnlyFolders"/> (what the worker runs from: the
/// appliance, its Python, a nanochat checkout) are visible through the read-only root, and bound in
/// again only where something above them is covered.
/// <para>
/// When kernels run as <see cref="KernelUser"/>, bwrap itself still runs as root (it mounts), keeps
/// only the capabilities to switch ids, and the worker is started through <c>setpriv</c>, which
/// takes the kernel user's ids and drops every capability, the bounding set included. A folder on
/// the way to something the kernel needs that the kernel user may not walk (a clone under /root) is
/// covered with an empty tmpfs, and what is needed below it is bound in again at the same path, so
/// paths are the same inside and out.
/// </para>
/// </summary>
public sealed record SandboxLayout(
    string DataDirectory,
    string Workspace,
    string SocketFolder,
    IReadOnlyList<string> ReadOnlyFolders,
    IReadOnlyList<string> AlwaysShown,
    KernelUser? User,
    IReadOnlyList<CourseData.CourseMounts.Mount>? CourseViews = null)
{
    public const string SetprivPath = "/usr/bin/setpriv";

    public List<string> BubblewrapArguments(string bubblewrap)
    {
        var arguments = new List<string>
        {
            bubblewrap,
            "--ro-bind", "/", "/",
            "--dev", "/dev",
            "--tmpfs", "/dev/shm",
            "--proc", "/proc",
            "--tmpfs", "/tmp",
            "--tmpfs", "/run",
        };
        var covered = FoldersToCover();
        foreach (var folder in covered)
            arguments.AddRange(["--tmpfs", folder]);
        var emptyRoots = covered.Concat(["/tmp", "/run", DataDirectory]).ToList();
        // What the worker runs from, where an empty tmpfs above hides it, bound before the data folder
        // is hidden: a binary kept next to its data must not show the database through this.
        foreach (var folder in ReadOnlyFolders.Where(folder => Directory.Exists(folder) && IsUnder(folder, [.. covered, "/tmp", "/run"])).Distinct())
            Bind(arguments, "--ro-bind", folder, emptyRoots);
        arguments.AddRange(["--tmpfs", DataDirectory]);
        foreach (var folder in AlwaysShown.Where(Directory.Exists).Distinct())
            Bind(arguments, "--ro-bind", folder, emptyRoots);
        Bind(arguments, "--bind", Workspace, emptyRoots);
        Bind(arguments, "--ro-bind", SocketFolder, emptyRoots);
        // Course data, read-only: a folder bound as it is, or single files (shards of several items)
        // in a fresh tmpfs that is made read-only once they are in.
        foreach (var mount in CourseViews ?? [])
        {
            if (mount.Folder is { } folder)
                Bind(arguments, "--ro-bind", folder, mount.Target, emptyRoots);
            else
            {
                arguments.AddRange(["--tmpfs", mount.Target]);
                foreach (var (file, name) in mount.Files)
                    arguments.AddRange(["--ro-bind", file, mount.Target + "/" + name]);
                arguments.AddRange(["--remount-ro", mount.Target]);
            }
        }
        foreach (var device in Directory.Exists("/dev") ? Directory.GetFiles("/dev", "nvidia*") : [])
            arguments.AddRange(["--dev-bind", device, device]);
        if (Directory.Exists("/dev/dri"))
            arguments.AddRange(["--dev-bind", "/dev/dri", "/dev/dri"]);
        // No --chdir: bwrap changes folder before the ids change and without the capability to enter a
        // folder of another account; the worker enters its workspace itself (`kernel --workdir`).
        arguments.AddRange(["--chdir", "/",
            "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-net", "--hostname", "kernel",
            "--die-with-parent", "--new-session", "--cap-drop", "ALL"]);
        if (User is not null)
            arguments.AddRange(["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--cap-add", "CAP_SETPCAP"]);
        arguments.Add("--");
        if (User is { } user)
            arguments.AddRange(DropPrivileges(user));
        return arguments;
    }

    /// <summary>setpriv's part of the command: the kernel user's ids, no groups, no capabilities left anywhere.</summary>
    public static IEnumerable<string> DropPrivileges(KernelUser user) =>
    [
        SetprivPath, $"--reuid={user.Uid}", $"--regid={user.Gid}", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--",
    ];

    /// <summary>
    /// The highest folders on the way to anything bound that the kernel user may not walk; empty
    /// when kernels run as the appliance's own user (it can walk wherever the appliance can).
    /// </summary>
    public IReadOnlyList<string> FoldersToCover()
    {
        if (User is not { } user)
            return [];
        var covered = new List<string>();
        foreach (var target in ReadOnlyFolders.Concat(AlwaysShown).Append(Workspace).Append(DataDirectory))
        {
            foreach (var ancestor in Ancestors(target))
            {
                if (covered.Any(folder => ancestor == folder || ancestor.StartsWith(folder + "/", StringComparison.Ordinal)))
                    break;
                // Below /tmp, /run and the data folder the sandbox has its own empty tmpfs already.
                if (new[] { "/tmp", "/run", DataDirectory }.Any(root => ancestor == root || ancestor.StartsWith(root + "/", StringComparison.Ordinal)))
                    break;
                if (!user.CanTraverse(ancestor))
                {
                    covered.Add(ancestor);
                    break;
                }
            }
        }
        return covered;
    }

    /// <summary>
    /// A bind at the same path. bwrap makes the missing folders above a bind's target with mode 0700
    /// (root's), which the kernel account could not walk, so inside an empty tmpfs of ours the folder
    /// above is made first with --dir (0755).
    /// </summary>
    private static void Bind(List<string> arguments, string how, string folder, IReadOnlyList<string> emptyRoots) =>
        Bind(arguments, how, folder, folder, emptyRoots);

    private static void Bind(List<string> arguments, string how, string source, string target, IReadOnlyList<string> emptyRoots)
    {
        var parent = Path.GetDirectoryName(target);
        if (parent is not null && emptyRoots.Any(root => parent == root || parent.StartsWith(root + "/", StringComparison.Ordinal)))
            arguments.AddRange(["--dir", parent]);
        arguments.AddRange([how, source, target]);
    }

    private static bool IsUnder(string path, IEnumerable<string> folders) =>
        folders.Any(folder => path.StartsWith(folder + "/", StringComparison.Ordinal));

    /// <summary>The folders above a path, from the top down ("/a", "/a/b" for "/a/b/c").</summary>
    private static IEnumerable<string> Ancestors(string path)
    {
        var parts = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)).Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var length = 1; length < parts.Length; length++)
            yield return "/" + string.Join('/', parts[..length]);
    }
}
