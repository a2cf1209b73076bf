using System.Globalization;
using NanoChat.Appliance.Hosting;

namespace NanoChat.Appliance.Admin;

/// <summary>
/// The box at a glance for the console: CPU use (from two /proc/stat readings), memory
/// (/proc/meminfo), the disk holding the data folder, the GPUs (<see cref="GpuProbe"/>) and the
/// sandbox as the kernels found it (<see cref="SandboxProbe"/>). A reading is cached for <see cref="CacheFor"/> so several
/// open consoles polling at once cost one nvidia-smi. Singleton.
/// </summary>
public sealed class BoxHealth(ApplianceOptions options, TimeProvider clock, Kernels.SandboxStatus sandbox)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(2);
    private readonly Lock _gate = new();
    private (long Busy, long Total)? _lastCpu;
    private (DateTimeOffset At, HealthReading Reading)? _cached;

    public HealthReading Read()
    {
        lock (_gate)
        {
            var now = clock.GetUtcNow();
            if (_cached is { } cached && now - cached.At < CacheFor)
                return cached.Reading;
            var reading = new HealthReading(
                now, CpuPercent(), Environment.ProcessorCount, LoadAverage(), Memory(), Disk(), GpuProbe.Read(), SandboxProbe.From(sandbox));
            _cached = (now, reading);
            return reading;
        }
    }

    /// <summary>Busy share of all CPUs since the last reading (or over a short sample the first time); null off Linux.</summary>
    private double? CpuPercent()
    {
        var first = _lastCpu ?? ReadCpu();
        if (first is null)
            return null;
        if (_lastCpu is null)
            Thread.Sleep(200);
        var second = ReadCpu();
        if (second is null)
            return null;
        _lastCpu = second;
        var total = second.Value.Total - first.Value.Total;
        return total <= 0 ? 0 : Math.Round(100.0 * (second.Value.Busy - first.Value.Busy) / total, 1);
    }

    private static (long Busy, long Total)? ReadCpu()
    {
        try
        {
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
                .Select(field => long.Parse(field, CultureInfo.InvariantCulture)).ToArray();
            var idle = fields[3] + (fields.Length > 4 ? fields[4] : 0); // idle + iowait
            var total = fields.Take(8).Sum();
            return (total - idle, total);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private static string? LoadAverage()
    {
        try
        {
            return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static MemoryReading? Memory()
    {
        try
        {
            var values = File.ReadLines("/proc/meminfo")
                .Select(line => line.Split(':', 2))
                .Where(parts => parts.Length == 2)
                .ToDictionary(parts => parts[0], parts => long.Parse(parts[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024);
            return new MemoryReading(values["MemTotal"], values.GetValueOrDefault("MemAvailable", values.GetValueOrDefault("MemFree")));
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or FormatException or KeyNotFoundException)
        {
            return null;
        }
    }

    private DiskReading? Disk()
    {
        try
        {
            var drive = new DriveInfo(options.DataDirectoryFullPath);
            return new DiskReading(options.DataDirectoryFullPath, drive.TotalSize, drive.AvailableFreeSpace);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }
}

/// <summary>One reading of the box's health; null parts could not be read on this system.</summary>
public sealed record HealthReading(
    DateTimeOffset At,
    double? CpuPercent,
    int Cores,
    string? LoadAverage,
    MemoryReading? Memory,
    DiskReading? Disk,
    GpuProbe.Reading Gpu,
    SandboxProbe.Status Sandbox);

public sealed record MemoryReading(long TotalBytes, long AvailableBytes)
{
    public double UsedPercent => TotalBytes == 0 ? 0 : Math.Round(100.0 * (TotalBytes - AvailableBytes) / TotalBytes, 1);
}

public sealed record DiskReading(string Folder, long TotalBytes, long AvailableBytes)
{
    public double UsedPercent => TotalBytes == 0 ? 0 : Math.Round(100.0 * (TotalBytes - AvailableBytes) / TotalBytes, 1);
}
