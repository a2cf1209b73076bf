using System.Globalization;

namespace NanoChat.Appliance.Kernels;

/// <summary>
/// One worker's cgroup: memory, process and CPU limits the kernel enforces (RLIMIT_AS breaks .NET and
/// torch; RLIMIT_NPROC does not bind root). Handles cgroup v1 (one hierarchy per controller, as on this
/// build box) and v2 (the unified tree of Debian 12). Created before the worker starts, removed after
/// it exits; read afterwards to tell an out-of-memory kill from other deaths.
/// </summary>
public sealed class KernelCgroup
{
    private const string Root = "/sys/fs/cgroup";
    private const string Parent = "nanochat-kernels";
    private const long CpuPeriodMicroseconds = 100_000;

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
    public static (int Version, string? Problem) Probe()
    {
        try
        {
            var probe = Create($"probe-{Environment.ProcessId}", new KernelOptions());
            probe.Remove();
            return (probe.Version, null);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return (0, error.Message);
        }
    }

    public static KernelCgroup Create(string name, KernelOptions options)
    {
        if (File.Exists(Path.Combine(Root, "cgroup.controllers")))
            return CreateV2(name, options);
        if (Directory.Exists(Path.Combine(Root, "memory")) && Directory.Exists(Path.Combine(Root, "pids")))
            return CreateV1(name, options);
        throw new InvalidOperationException($"No cgroup v1 or v2 hierarchy with memory and pids controllers is mounted at {Root}.");
    }

    private static KernelCgroup CreateV1(string name, KernelOptions options)
    {
        var memory = MakeFolder(Path.Combine(Root, "memory", Parent, name));
        var pids = MakeFolder(Path.Combine(Root, "pids", Parent, name));
        var folders = new List<string> { memory, pids };
        File.WriteAllText(Path.Combine(memory, "memory.limit_in_bytes"), options.MemoryLimitBytes.ToString(CultureInfo.InvariantCulture));
        File.WriteAllText(Path.Combine(pids, "pids.max"), options.PidsLimit.ToString(CultureInfo.InvariantCulture));
        if (Directory.Exists(Path.Combine(Root, "cpu")))
        {
            var cpu = MakeFolder(Path.Combine(Root, "cpu", Parent, name));
            folders.Add(cpu);
            File.WriteAllText(Path.Combine(cpu, "cpu.cfs_period_us"), CpuPeriodMicroseconds.ToString(CultureInfo.InvariantCulture));
            File.WriteAllText(Path.Combine(cpu, "cpu.cfs_quota_us"), options.CpuCores > 0
                ? ((long)(options.CpuCores * CpuPeriodMicroseconds)).ToString(CultureInfo.InvariantCulture) : "-1");
        }
        return new KernelCgroup(1, folders);
    }

    private static KernelCgroup CreateV2(string name, KernelOptions options)
    {
        var parent = MakeFolder(Path.Combine(Root, Parent));
        // Controllers must be enabled on every level above a leaf before its files exist.
        TryWrite(Path.Combine(Root, "cgroup.subtree_control"), "+memory +pids +cpu");
        TryWrite(Path.Combine(parent, "cgroup.subtree_control"), "+memory +pids +cpu");
        var folder = MakeFolder(Path.Combine(parent, name));
        File.WriteAllText(Path.Combine(folder, "memory.max"), options.MemoryLimitBytes.ToString(CultureInfo.InvariantCulture));
        TryWrite(Path.Combine(folder, "memory.swap.max"), "0");
        File.WriteAllText(Path.Combine(folder, "pids.max"), options.PidsLimit.ToString(CultureInfo.InvariantCulture));
        if (File.Exists(Path.Combine(folder, "cpu.max")))
            File.WriteAllText(Path.Combine(folder, "cpu.max"), options.CpuCores > 0
                ? string.Create(CultureInfo.InvariantCulture, $"{(long)(options.CpuCores * CpuPeriodMicroseconds)} {CpuPeriodMicroseconds}") : "max");
        return new KernelCgroup(2, [folder]);
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
        catch (IOException)
        {
            // Already enabled, or not ours to change; the limit files below tell if it mattered.
        }
    }
}
