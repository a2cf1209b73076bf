using System.Globalization;
using NanoChat.Appliance.Hosting;

namespace NanoChat.Appliance.Kernels;

/// <summary>
/// Reads <see cref="KernelOptions"/> from `serve` flags (--kernel-memory-mb 8192) or the matching
/// environment variables (NANOCHAT_KERNEL_MEMORY_MB=8192); a value that is not a number stops start-up.
/// `--kernel-user NAME` (NANOCHAT_KERNEL_USER) names the account kernels run as under a root appliance.
/// </summary>
public static class KernelOptionsBinding
{
    public static readonly string[] Flags =
        ["kernel-memory-mb", "kernel-pids", "kernel-cpus", "kernel-idle-minutes", "kernel-interrupt-grace-seconds", "kernel-gpu-fraction",
         "workspace-quota-gb", "disk-reserve-gb"];

    /// <summary>Flags that take a word rather than a number.</summary>
    public static readonly string[] TextFlags = ["kernel-user"];

    private const double Gibibyte = 1024.0 * 1024 * 1024;

    public static void Apply(ApplianceOptions options)
    {
        var kernels = options.Kernels;
        if ((options.Extra.GetValueOrDefault("kernel-user") ?? Environment.GetEnvironmentVariable("NANOCHAT_KERNEL_USER")) is { } user)
            kernels.KernelUserName = user;
        foreach (var flag in Flags)
        {
            var variable = "NANOCHAT_" + flag.Replace('-', '_').ToUpperInvariant();
            var text = options.Extra.GetValueOrDefault(flag) ?? Environment.GetEnvironmentVariable(variable);
            if (text is null)
                continue;
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                throw new CommandLineException($"--{flag} (or {variable}) must be a number, not '{text}'.");
            switch (flag)
            {
                case "kernel-memory-mb": kernels.MemoryLimitBytes = (long)(value * 1024 * 1024); break;
                case "kernel-pids": kernels.PidsLimit = (int)value; break;
                case "kernel-cpus": kernels.CpuCores = value; break;
                case "kernel-idle-minutes": kernels.IdleCullMinutes = value; break;
                case "kernel-interrupt-grace-seconds": kernels.InterruptGraceSeconds = value; break;
                case "workspace-quota-gb": kernels.WorkspaceQuotaBytes = (long)(value * Gibibyte); break;
                case "disk-reserve-gb": kernels.DiskReserveBytes = (long)(value * Gibibyte); break;
                default: kernels.GpuMemoryFraction = value; break;
            }
        }
    }
}
