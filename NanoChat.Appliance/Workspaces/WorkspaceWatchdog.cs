using System.Collections.Concurrent;
using Stopwatch = System.Diagnostics.Stopwatch;
using NanoChat.Appliance.Admin;
using NanoChat.Appliance.Kernels;

namespace NanoChat.Appliance.Workspaces;

/// <summary>
/// Keeps one student's files from denying the disk to everyone: about every second it measures the
/// workspace of each running kernel and, when one holds more than its quota, or when the disk's free
/// space falls under the appliance's reserve while that workspace grew, stops what that kernel is
/// writing (a notice in the cell, the processes it started ended, the cell interrupted; variables
/// stay). A kernel that keeps writing after three such stops is restarted. Files stay, so the
/// student can delete what they no longer need.
/// <para>
/// Why a watchdog and not a mount per workspace (a loop image or project quotas): it works for a
/// root and a non-root service alike, on any filesystem, with nothing mounted that the `backup`
/// command (another process, outside the service's mount namespace) could not see. The price is that
/// a writer can go past its quota by what it writes in one check; RLIMIT_FSIZE (the quota) bounds a
/// single file at once, and the reserve absorbs the rest. A hosted service of the web process.
/// </para>
/// </summary>
public sealed class WorkspaceWatchdog(KernelManager kernels, WorkspaceFolders folders, WorkspaceQuota quota, EventLog events, ILogger<WorkspaceWatchdog> logger) : BackgroundService
{
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    /// <summary>A big workspace is measured less often: at most this share of the time goes to walking it.</summary>
    private const int IntervalsPerScanTime = 50;

    private const int StopsBeforeRestart = 3;

    private readonly ConcurrentDictionary<long, Reading> _readings = new();

    private sealed record Reading(long UsedBytes, DateTimeOffset NextScan, int Stops);

    /// <summary>The last measurement of a running kernel's workspace, or null.</summary>
    public long? LastUsedBytes(long userId) => _readings.TryGetValue(userId, out var reading) ? reading.UsedBytes : null;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(CheckInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await CheckAsync();
                }
                catch (Exception error) when (error is IOException or UnauthorizedAccessException)
                {
                    logger.LogWarning("The workspace check failed: {Error}", error.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>One round: every running kernel's workspace that is due (all of them while the disk is low).</summary>
    public async Task CheckAsync()
    {
        var running = kernels.Running();
        foreach (var gone in _readings.Keys.Except(running.Select(kernel => kernel.UserId)))
            _readings.TryRemove(gone, out _);
        var free = quota.FreeBytes;
        var lowDisk = free < quota.ReserveBytes;
        var now = DateTimeOffset.UtcNow;
        var limit = quota.QuotaBytes;
        foreach (var (userId, username) in running)
        {
            var previous = _readings.GetValueOrDefault(userId);
            if (!lowDisk && previous is not null && now < previous.NextScan)
                continue;
            var clock = Stopwatch.StartNew();
            var used = DiskUsage.Measure(folders.PathOf(userId));
            var next = now + TimeSpan.FromTicks(Math.Max(CheckInterval.Ticks, clock.Elapsed.Ticks * IntervalsPerScanTime));
            // A kernel's first measurement is its baseline: one that starts over quota may delete files.
            var grew = previous is not null && used > previous.UsedBytes;
            string? notice = null;
            if (used > limit && grew)
                notice = $"Your workspace is full ({Gib(used)} of {Gib(limit)}): this cell was stopped and the programs it started were ended. Delete files you no longer need (for example `!rm -r old_checkpoints`) to go on.";
            else if (lowDisk && grew)
                notice = $"The box's disk is almost full ({Gib(free)} left), so what your kernel was writing was stopped. Delete files you no longer need, or ask your instructor.";
            var stops = used > limit || lowDisk ? previous?.Stops ?? 0 : 0;
            if (notice is not null)
            {
                stops++;
                await StopAsync(userId, username, notice, stops);
            }
            _readings[userId] = new Reading(used, next, stops);
        }
    }

    private async Task StopAsync(long userId, string username, string notice, int stops)
    {
        logger.LogWarning("Stopping what {User}'s kernel writes: {Notice}", username, notice);
        events.Record(EventLog.Kinds.WorkspaceFull, null, username, notice);
        if (stops >= StopsBeforeRestart)
            await kernels.StopAsync(userId, $"{notice} The kernel kept writing, so it was stopped. Variables are lost.");
        else
            await kernels.StopWritingAsync(userId, notice);
    }

    private static string Gib(long bytes) => $"{bytes / (1024.0 * 1024 * 1024):0.0#} GiB";
}
