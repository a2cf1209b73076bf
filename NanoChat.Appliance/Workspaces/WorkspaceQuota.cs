using NanoChat.Appliance.Accounts;
using NanoChat.Appliance.Hosting;

namespace NanoChat.Appliance.Workspaces;

/// <summary>
/// How much each student's workspace may hold and how much free disk the appliance keeps for
/// itself (database, logs, backups). Configured (--workspace-quota-gb, --disk-reserve-gb) or sized
/// once, at first use, from the disk under the data folder: the reserve is the larger of 2 GiB and
/// 5 % of the disk; the quota is what is free above the reserve, shared by the seats (the number of
/// accounts, at least 30), so that a full class cannot together eat the reserve.
/// </summary>
public sealed class WorkspaceQuota(ApplianceOptions options, UserStore users)
{
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

    public long QuotaBytes => options.Kernels.WorkspaceQuotaBytes > 0 ? options.Kernels.WorkspaceQuotaBytes : _sizedQuota.Value;

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
