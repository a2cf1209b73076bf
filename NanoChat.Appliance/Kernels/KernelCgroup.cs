using System.Globalization;

namespace NanoChat.Appliance.Kernels;

/// <summary>
/// One worker's cgroup: memory, process and CPU limits the kernel enforces (RLIMIT_AS breaks .NET and
/// torch; RLIMIT_NPROC does not bind root). Handles cgroup v1 (one hierarchy per controller, as on this
/// build box) and v2 (the unified tree of Debian 12). Created before the worker starts, removed after
/// it exits; read afterwards to tell an out-of-memory kill from other deaths.
/// <para>
/// Where: as root, at the root of the hierarchy (<c>/sys/fs/cgroup/…/nanochat-kernels</c>). As any
/// other user on v2, under the appliance's own cgroup when systemd delegated it (<c>Delegate=yes</c>:
/// the service user owns its subtree; the only place a non-root service may create cgroups, and the
/// workers stay inside the service). v2 forbids processes in a cgroup that hands controllers to
/// children, so the web process first moves itself into a leaf (<c>…/appliance</c>), as systemd's
/// delegation guide asks. Root does not do that: its own cgroup may be a login session's scope that
/// systemd manages. systemd does not delegate v1 controllers to non-root services, so v1 needs root.
/// </para>
/// </summary>
public sealed class KernelCgroup
{
    private const string Parent = "nanochat-kernels";
    private const string WebLeaf = "appliance";
    private const long CpuPeriodMicroseconds = 100_000;

    /// <summary>Where cgroups are mounted and where this process reads its own cgroup; other values only in tests.</summary>
    public sealed record Hierarchy(string Root, string SelfCgroupFile, int ProcessId, bool Privileged)
    {
        public static readonly Hierarchy System = new("/sys/fs/cgroup", "/proc/self/cgroup", Environment.ProcessId, Environment.IsPrivilegedProcess);
    }

    private readonly List<string> _folders;

    private KernelCgroup(int version, List<string> folders)
    {
        Version = version;
        _folders = folders;
    }

    public int Version { get; }

    /// <summary>The files a process writes its pid into to join (one per v1 controller, one for v2).</summary>
    public IReadOnlyList<string> ProcsFiles => _folders.Select(folder => Path.Combine(folder, "cgroup.procs")).ToList();

    public IReadOnlyList<string> Folders => _folders;

    /// <summary>Which cgroup version can be used here, or 0 and the reason why none.</summary>
    public static (int Version, string? Problem) Probe() => Probe(Hierarchy.System);

    public static (int Version, string? Problem) Probe(Hierarchy hierarchy)
    {
        try
        {
            var probe = Create($"probe-{hierarchy.ProcessId}", new KernelOptions(), hierarchy);
            probe.Remove();
            return (probe.Version, null);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return (0, error.Message);
        }
    }

    public static KernelCgroup Create(string name, KernelOptions options) => Create(name, options, Hierarchy.System);

    /// <summary>
    /// A kernel cgroup's name: the web process's pid first, so that a later start can tell the
    /// folders a dead appliance left behind (<see cref="RemoveLeftovers()"/>) from a live one's.
    /// </summary>
    public static string NameFor(long userId) =>
        string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessId}-user-{userId}-{Guid.NewGuid():N}");

    /// <summary>
    /// Removes the kernel cgroups of appliance processes that no longer run (killed with -9, a
    /// crash, a power cut): their workers died with them (bwrap's --die-with-parent), but nothing
    /// removed the folders. Answers how many were removed. Folders of live appliances (tests run
    /// several in one process) and folders that still hold a process are left alone.
    /// </summary>
    public static int RemoveLeftovers() => RemoveLeftovers(Hierarchy.System, pid => Directory.Exists($"/proc/{pid}"));

    public static int RemoveLeftovers(Hierarchy hierarchy, Func<int, bool> isRunning)
    {
        var parents = File.Exists(Path.Combine(hierarchy.Root, "cgroup.controllers"))
            ? [Path.Combine(DelegatedV2Base(hierarchy) ?? hierarchy.Root, Parent)]
            : new[] { "memory", "pids", "cpu" }.Select(controller => Path.Combine(hierarchy.Root, controller, Parent));
        var removed = 0;
        foreach (var parent in parents.Where(Directory.Exists))
        {
            foreach (var folder in Directory.GetDirectories(parent))
            {
                if (OwnerPid(Path.GetFileName(folder)) is { } owner && isRunning(owner))
                    continue;
                try
                {
                    Directory.Delete(folder);
                    removed++;
                }
                catch (Exception error) when (error is IOException or UnauthorizedAccessException)
                {
                    // Still holds a process (it will be a leftover for the next start), or not ours.
                }
            }
        }
        return removed;
    }

    public static KernelCgroup Create(string name, KernelOptions options, Hierarchy hierarchy)
    {
        if (File.Exists(Path.Combine(hierarchy.Root, "cgroup.controllers")))
            return CreateV2(name, options, hierarchy);
        if (Directory.Exists(Path.Combine(hierarchy.Root, "memory")) && Directory.Exists(Path.Combine(hierarchy.Root, "pids")))
            return CreateV1(name, options, hierarchy);
        throw new InvalidOperationException($"No cgroup v1 or v2 hierarchy with memory and pids controllers is mounted at {hierarchy.Root}.");
    }

    private static KernelCgroup CreateV1(string name, KernelOptions options, Hierarchy hierarchy)
    {
        var memory = MakeFolder(Path.Combine(hierarchy.Root, "memory", Parent, name));
        var pids = MakeFolder(Path.Combine(hierarchy.Root, "pids", Parent, name));
        var folders = new List<string> { memory, pids };
        File.WriteAllText(Path.Combine(memory, "memory.limit_in_bytes"), options.MemoryLimitBytes.ToString(CultureInfo.InvariantCulture));
        File.WriteAllText(Path.Combine(pids, "pids.max"), options.PidsLimit.ToString(CultureInfo.InvariantCulture));
        if (Directory.Exists(Path.Combine(hierarchy.Root, "cpu")))
        {
            var cpu = MakeFolder(Path.Combine(hierarchy.Root, "cpu", Parent, name));
            folders.Add(cpu);
            File.WriteAllText(Path.Combine(cpu, "cpu.cfs_period_us"), CpuPeriodMicroseconds.ToString(CultureInfo.InvariantCulture));
            File.WriteAllText(Path.Combine(cpu, "cpu.cfs_quota_us"), options.CpuCores > 0
                ? ((long)(options.CpuCores * CpuPeriodMicroseconds)).ToString(CultureInfo.InvariantCulture) : "-1");
        }
        return new KernelCgroup(1, folders);
    }

    private static KernelCgroup CreateV2(string name, KernelOptions options, Hierarchy hierarchy)
    {
        var parent = MakeFolder(Path.Combine(DelegatedV2Base(hierarchy) ?? hierarchy.Root, Parent));
        // Controllers must be enabled on every level above a leaf before its files exist. One write
        // each: a write naming a controller that is not available here fails as a whole.
        foreach (var level in new[] { Path.GetDirectoryName(parent)!, parent })
        {
            foreach (var controller in new[] { "+memory", "+pids", "+cpu" })
                TryWrite(Path.Combine(level, "cgroup.subtree_control"), controller);
        }
        var folder = MakeFolder(Path.Combine(parent, name));
        File.WriteAllText(Path.Combine(folder, "memory.max"), options.MemoryLimitBytes.ToString(CultureInfo.InvariantCulture));
        TryWrite(Path.Combine(folder, "memory.swap.max"), "0");
        File.WriteAllText(Path.Combine(folder, "pids.max"), options.PidsLimit.ToString(CultureInfo.InvariantCulture));
        if (File.Exists(Path.Combine(folder, "cpu.max")))
            File.WriteAllText(Path.Combine(folder, "cpu.max"), options.CpuCores > 0
                ? string.Create(CultureInfo.InvariantCulture, $"{(long)(options.CpuCores * CpuPeriodMicroseconds)} {CpuPeriodMicroseconds}") : "max");
        return new KernelCgroup(2, [folder]);
    }

    /// <summary>
    /// This process's own v2 cgroup folder when it was delegated to us (we may write its
    /// <c>cgroup.subtree_control</c>), after moving every process in it into the <c>appliance</c>
    /// leaf so it can hand controllers down; null when not delegated (use the root).
    /// </summary>
    private static string? DelegatedV2Base(Hierarchy hierarchy)
    {
        if (hierarchy.Privileged || OwnCgroup(hierarchy) is not { } own || own == "/")
            return null;
        var folder = hierarchy.Root + own;
        if (Path.GetFileName(folder) == WebLeaf)
            folder = Path.GetDirectoryName(folder)!; // moved into the leaf by an earlier call
        if (!Writable(Path.Combine(folder, "cgroup.subtree_control")))
            return null;
        var leaf = MakeFolder(Path.Combine(folder, WebLeaf));
        var procs = Path.Combine(folder, "cgroup.procs");
        // Usually only this process; also a helper it started that is still running.
        foreach (var pid in File.ReadAllLines(procs).Where(line => line.Length > 0))
        {
            try
            {
                File.WriteAllText(Path.Combine(leaf, "cgroup.procs"), pid);
            }
            catch (IOException)
            {
                // That process exited meanwhile.
            }
        }
        return folder;
    }

    /// <summary>This process's path in the v2 hierarchy (the "0::/path" line of /proc/self/cgroup), or null.</summary>
    private static string? OwnCgroup(Hierarchy hierarchy)
    {
        try
        {
            return File.ReadLines(hierarchy.SelfCgroupFile).FirstOrDefault(line => line.StartsWith("0::", StringComparison.Ordinal))?[3..];
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static bool Writable(string file)
    {
        try
        {
            using var _ = new FileStream(file, FileMode.Open, FileAccess.Write);
            return true;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The host pids in this cgroup now (every v1 controller holds the same processes; the first is read).</summary>
    public IReadOnlyList<int> Processes()
    {
        try
        {
            return [.. File.ReadLines(ProcsFiles[0]).Select(line => int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0).Where(pid => pid > 0)];
        }
        catch (IOException)
        {
            return [];
        }
    }

    /// <summary>True when the kernel's OOM killer killed a process of this cgroup.</summary>
    public bool OutOfMemoryKilled()
    {
        var file = Version == 2 ? Path.Combine(_folders[0], "memory.events") : Path.Combine(_folders[0], "memory.oom_control");
        try
        {
            foreach (var line in File.ReadLines(file))
            {
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length == 2 && parts[0] == "oom_kill" && parts[1] != "0")
                    return true;
            }
        }
        catch (IOException)
        {
        }
        return false;
    }

    /// <summary>Removes the folders once their processes are gone (retries briefly: exit is asynchronous).</summary>
    public void Remove()
    {
        foreach (var folder in _folders)
        {
            for (var attempt = 0; attempt < 20; attempt++)
            {
                try
                {
                    if (Directory.Exists(folder))
                        Directory.Delete(folder);
                    break;
                }
                catch (IOException)
                {
                    Thread.Sleep(50);
                }
            }
        }
    }

    /// <summary>
    /// The web process a kernel cgroup belongs to: "PID-user-…" and "probe-PID"; null for the names
    /// of versions before the pid was added ("user-…"), which are all leftovers now.
    /// </summary>
    private static int? OwnerPid(string name)
    {
        var part = name.StartsWith("probe-", StringComparison.Ordinal) ? name["probe-".Length..] : name.Split('-')[0];
        return int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
    }

    private static string MakeFolder(string path)
    {
        Directory.CreateDirectory(path);
        return path;
    }

    private static void TryWrite(string path, string text)
    {
        try
        {
            File.WriteAllText(path, text);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            // Already enabled, or not ours to change; the limit files below tell if it mattered.
        }
    }
}
