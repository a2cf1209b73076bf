using NanoChat.Appliance.Accounts;
using NanoChat.Appliance.Storage;
using NanoChat.Appliance.Hosting;

namespace NanoChat.Appliance.Workspaces;

/// <summary>
/// How much each student's workspace may hold and how much free disk the appliance keeps for
/// itself (database, logs, backups). Configured (--workspace-quota-gb, --disk-reserve-gb) or sized
/// once, at first use, from the disk under the data folder (the instructor may set it in the console): the reserve is the larger of 2 GiB and
/// 5 % of the disk; the quota is what is free above the reserve, shared by the seats (the number of
/// accounts, at least 30), so that a full class cannot together eat the reserve.
/// </summary>
public sealed class WorkspaceQuota(ApplianceOptions options, UserStore users, Storage.Database database)
{
    private const string QuotaKey = "workspace_quota_bytes";
    private const long Gibibyte = 1024L * 1024 * 1024;
    private const long MinimumReserveBytes = 2 * Gibibyte;
    private const double ReserveShareOfDisk = 0.05;
    private const int MinimumSeats = 30;
    private const long SmallestSizedQuotaBytes = 256L * 1024 * 1024;

    private readonly Lazy<long> _sizedQuota = new(() => Size(options, users));

    public long ReserveBytes => ReserveFor(options);

    /// <summary>The disk reserve of these options: configured, or the larger of 2 GiB and 5 % of the disk.</summary>
    public static long ReserveFor(ApplianceOptions options) =>
        options.Kernels.DiskReserveBytes > 0 ? options.Kernels.DiskReserveBytes : DefaultReserve(Disk(options).TotalBytes);

    /// <summary>What may still be written under the data folder before the reserve is touched.</summary>
    public static long FreeAboveReserve(ApplianceOptions options) => Disk(options).AvailableBytes - ReserveFor(options);

    /// <summary>The quota now: the instructor's (console), else --workspace-quota-gb, else sized from the disk.</summary>
    public long QuotaBytes => ChosenBytes is > 0 and var chosen ? chosen
        : options.Kernels.WorkspaceQuotaBytes > 0 ? options.Kernels.WorkspaceQuotaBytes : _sizedQuota.Value;

    /// <summary>The quota the instructor set in the console (kept in settings), or null for the default.</summary>
    public long? ChosenBytes
    {
        get => database.Read(connection => connection.Scalar("SELECT value FROM settings WHERE key = $k", null, ("$k", QuotaKey)) as string) is { } text
            && long.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var bytes) && bytes > 0 ? bytes : null;
        set => database.Write((connection, transaction) => connection.Execute(
            "INSERT INTO settings (key, value) VALUES ($k, $v) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            transaction, ("$k", QuotaKey), ("$v", (value ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture))));
    }

    /// <summary>Null when <paramref name="bytes"/> can be a quota, else the sentence why not.</summary>
    public string? Check(long bytes) =>
        bytes == 0 || bytes >= SmallestChosenQuotaBytes ? null
            : $"A workspace quota is at least {Admin.ConsoleFormatting.Bytes(SmallestChosenQuotaBytes)} (or 0 for the default sized from the disk).";

    private const long SmallestChosenQuotaBytes = 64L * 1024 * 1024;

    /// <summary>Free bytes under the data folder now (what an unprivileged writer may still use).</summary>
    public long FreeBytes => Disk(options).AvailableBytes;

    private static long DefaultReserve(long totalBytes) => Math.Max(MinimumReserveBytes, (long)(totalBytes * ReserveShareOfDisk));

    private static long Size(ApplianceOptions options, UserStore users)
    {
        var disk = Disk(options);
        var reserve = ReserveFor(options);
        var seats = Math.Max(MinimumSeats, users.All().Count);
        return Math.Max(SmallestSizedQuotaBytes, (disk.AvailableBytes - reserve) / seats);
    }

    private static (long TotalBytes, long AvailableBytes) Disk(ApplianceOptions options)
    {
        try
        {
            var drive = new DriveInfo(options.DataDirectoryFullPath);
            return (drive.TotalSize, drive.AvailableFreeSpace);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return (0, long.MaxValue);
        }
    }
}
