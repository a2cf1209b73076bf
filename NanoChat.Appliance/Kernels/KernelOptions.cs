namespace NanoChat.Appliance.Kernels;

/// <summary>
/// Limits and timings of students' workers, with defaults in code. Set from `serve` flags
/// (--kernel-memory-mb …) or tests; checked once at start by <see cref="Validate"/>.
/// </summary>
public sealed class KernelOptions
{
    /// <summary>memory.max of each worker's cgroup (bytes): torch plus a small model fits.</summary>
    public long MemoryLimitBytes { get; set; } = 6L * 1024 * 1024 * 1024;

    /// <summary>pids.max of each worker's cgroup: enough for DataLoader workers, not for a fork bomb.</summary>
    public int PidsLimit { get; set; } = 256;

    /// <summary>CPU share of each worker in cores (cpu.max quota); 0 = no CPU limit.</summary>
    public double CpuCores { get; set; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>RLIMIT_NOFILE of each worker.</summary>
    public int OpenFilesLimit { get; set; } = 4096;

    /// <summary>Share of each GPU's memory a worker's torch may use (torch.cuda.set_per_process_memory_fraction); 0 = no cap.</summary>
    public double GpuMemoryFraction { get; set; } = 0.9;

    /// <summary>An idle worker (nothing running, nothing queued) is stopped after this many minutes; 0 = never.</summary>
    public double IdleCullMinutes { get; set; } = 60;

    /// <summary>
    /// Seconds after a sign-out (or the instructor's password reset) before the user's worker is
    /// stopped to free its memory; a sign-in again meanwhile keeps it. A running cell finishes first.
    /// </summary>
    public double SignOutStopGraceSeconds { get; set; } = 60;

    /// <summary>Seconds an interrupted cell gets to stop before its worker is killed.</summary>
    public double InterruptGraceSeconds { get; set; } = 5;

    /// <summary>Seconds a new worker gets to connect and load Python.</summary>
    public double StartTimeoutSeconds { get; set; } = 60;

    /// <summary>Largest output log kept per execution (bytes); later output is dropped with a notice.</summary>
    public long MaxLogBytesPerExecution { get; set; } = 64L * 1024 * 1024;

    /// <summary>Bytes of execution logs kept per user on disk; the oldest beyond it are deleted.</summary>
    public long MaxLogBytesPerUser { get; set; } = 1L * 1024 * 1024 * 1024;

    /// <summary>Execution logs kept per user on disk; older ones are deleted.</summary>
    public int LogsKeptPerUser { get; set; } = 500;

    /// <summary>Stream text kept per cell in the stored outputs: this many bytes of head and of tail.</summary>
    public int StoredHeadBytes { get; set; } = 64 * 1024;

    public int StoredTailBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// The unprivileged account kernels run as when the appliance runs as root (created with
    /// useradd --system when it is the default and missing). Ignored when not root.
    /// </summary>
    public string KernelUserName { get; set; } = Sandbox.KernelUser.DefaultName;

    /// <summary>
    /// Most a student's workspace may hold (bytes); 0 = sized at start from the free disk: what is
    /// left above <see cref="DiskReserveBytes"/>, shared by the seats (at least 30, or the number of
    /// accounts). Enforced by <see cref="Workspaces.WorkspaceWatchdog"/> and, per file, RLIMIT_FSIZE.
    /// </summary>
    public long WorkspaceQuotaBytes { get; set; }

    /// <summary>
    /// Free disk under the data folder that students' files may not eat (bytes): below it the
    /// watchdog stops whoever is writing, so sign-in, saves and the database keep working. 0 = the
    /// larger of 2 GiB and 5 % of the disk.
    /// </summary>
    public long DiskReserveBytes { get; set; }

    /// <summary>
    /// Start the user's worker when a notebook page opens (Jupyter's habit), so the first Run does not
    /// wait for it. Off: workers start at the first cell (tests without Python, a box short of memory).
    /// </summary>
    public bool StartOnOpen { get; set; } = true;

    /// <summary>Run workers in bubblewrap when /usr/bin/bwrap works (tests of the bare path turn it off).</summary>
    public bool UseSandbox { get; set; } = true;

    /// <summary>Put workers in cgroups when the hierarchy is writable.</summary>
    public bool UseCgroups { get; set; } = true;

    /// <summary>
    /// Test kernels that misbehave on purpose (jupyter_client style): passed to workers as
    /// NANOCHAT_TEST_KERNEL_MISBEHAVE ("crash-on-start", "slow-start:SECONDS"). Null in production.
    /// </summary>
    public string? TestMisbehave { get; set; }

    public string? Validate()
    {
        if (string.IsNullOrWhiteSpace(KernelUserName) || KernelUserName is "root" || KernelUserName.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
            return $"The kernel user (--kernel-user) must be the name of an unprivileged account, not '{KernelUserName}'.";
        if (WorkspaceQuotaBytes is < 0 or (> 0 and < 16L * 1024 * 1024) || DiskReserveBytes < 0)
            return "The workspace quota must be 0 (sized from the disk) or at least 16 MiB, and the disk reserve 0 (automatic) or more.";
        if (MemoryLimitBytes < 256L * 1024 * 1024)
            return "The kernel memory limit must be at least 256 MB.";
        if (PidsLimit < 16)
            return "The kernel process limit must be at least 16.";
        if (CpuCores < 0)
            return "The kernel CPU limit must be 0 (none) or a number of cores.";
        if (GpuMemoryFraction is < 0 or > 1)
            return "The GPU memory fraction must be between 0 and 1.";
        if (IdleCullMinutes < 0)
            return "The kernel idle time must be 0 (never stop) or a number of minutes.";
        if (SignOutStopGraceSeconds < 0)
            return "The kernel stop after sign-out must be 0 (at once) or a number of seconds.";
        if (InterruptGraceSeconds <= 0 || StartTimeoutSeconds <= 0)
            return "The kernel interrupt grace and start timeout must be positive numbers of seconds.";
        if (MaxLogBytesPerUser < MaxLogBytesPerExecution)
            return "The output logs kept per user must be at least one execution's log.";
        if (MaxLogBytesPerExecution < 64 * 1024 || StoredHeadBytes < 1024 || StoredTailBytes < 1024)
            return "The output limits must be at least 64 KiB per log and 1 KiB of head and tail.";
        return null;
    }
}
