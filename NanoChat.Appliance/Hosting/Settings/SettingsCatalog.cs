namespace NanoChat.Appliance.Hosting.Settings;

/// <summary>
/// Every appliance-wide setting, in the order `help` lists them. Ranges are checked afterwards, once,
/// by <see cref="ApplianceOptions.Validate"/>; here only the form (a number, a whole number).
/// </summary>
public static class SettingsCatalog
{
    private const double Mebibyte = 1024.0 * 1024;
    private const double Gibibyte = 1024.0 * 1024 * 1024;

    public static readonly IReadOnlyList<Setting> All =
    [
        Setting.Text("data", "DIR", "the data folder: database, signing key, workspaces (default ./data)", (o, v) => o.DataDirectory = v),
        Setting.Text("urls", "URL", $"where to listen, ';' between several (default {ApplianceOptions.DefaultUrls})", (o, v) => o.Urls = v),
        Setting.Text("python", "PATH", "the Python that runs students' code (default: one found or made)", (o, v) => o.PythonPath = v),
        Setting.Text("nanochat", "DIR", "a nanochat checkout for the tutorials that train it", (o, v) => o.NanochatDirectory = v) with { EnvironmentAlias = "NANOCHAT_DIR" },
        Setting.Number("idle-signout-minutes", "MINUTES", "sign a browser out after this long without activity (0: never)", (o, v) => o.IdleSignoutMinutes = v),
        Setting.Text("backup-dir", "DIR", "where nightly backups go (default DATA/backups; better another disk)", (o, v) => o.BackupDirectory = v),
        Setting.WholeNumber("backups-kept", "nightly backups kept", (o, v) => o.BackupsKept = v),
        Setting.WholeNumber("backup-hour", "local hour of the nightly backup, -1 for none", (o, v) => o.NightlyBackupHour = v),
        Setting.Number("kernel-memory-mb", "MB", "memory of one student's kernel", (o, v) => o.Kernels.MemoryLimitBytes = (long)(v * Mebibyte)),
        Setting.Number("kernel-pids", "N", "processes and threads of one kernel", (o, v) => o.Kernels.PidsLimit = (int)v),
        Setting.Number("kernel-cpus", "N", "CPU cores one kernel may use", (o, v) => o.Kernels.CpuCores = v),
        Setting.Number("kernel-idle-minutes", "MINUTES", "stop a kernel after this long without a cell", (o, v) => o.Kernels.IdleCullMinutes = v),
        Setting.Number("kernel-interrupt-grace-seconds", "SECONDS", "how long an interrupt waits before the kernel is restarted", (o, v) => o.Kernels.InterruptGraceSeconds = v),
        Setting.Number("kernel-signout-stop-seconds", "SECONDS", "stop a student's kernel this long after they sign out (a running cell ends first)", (o, v) => o.Kernels.SignOutStopGraceSeconds = v),
        Setting.Number("kernel-gpu-fraction", "F", "share of the GPU's memory one kernel may hold (0 to 1)", (o, v) => o.Kernels.GpuMemoryFraction = v),
        Setting.Text("kernel-user", "NAME", "the unprivileged account kernels run as under a root appliance", (o, v) => o.Kernels.KernelUserName = v),
        Setting.Number("workspace-quota-gb", "GB", "disk one student's workspace may fill (0: the free disk shared by the seats)", (o, v) => o.Kernels.WorkspaceQuotaBytes = (long)(v * Gibibyte)),
        Setting.Number("disk-reserve-gb", "GB", "free disk kept for the database and sign-ins (0: 2 GB or 5 % of the disk)", (o, v) => o.Kernels.DiskReserveBytes = (long)(v * Gibibyte)),
    ];

    public static Setting? Find(string name) =>
        All.FirstOrDefault(setting => string.Equals(setting.Name, name, StringComparison.OrdinalIgnoreCase));

    public static IEnumerable<Setting> Named(IEnumerable<string> names) =>
        names.Select(name => Find(name) ?? throw new ArgumentException($"No setting '{name}'.", nameof(names)));
}
