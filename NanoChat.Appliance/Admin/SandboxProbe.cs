using NanoChat.Appliance.Kernels;

namespace NanoChat.Appliance.Admin;

/// <summary>
/// The console's view of how student code is confined: what the kernels themselves found at start
/// (<see cref="SandboxStatus"/>: bubblewrap usable, cgroup v1 or v2 writable), so the console can
/// never claim limits the kernels do not have, or miss ones they do. Each missing part is a warning,
/// because without it a fork bomb or a 100 GB allocation is no longer one student's problem.
/// </summary>
public static class SandboxProbe
{
    public sealed record Status(bool BubblewrapWorks, string Bubblewrap, bool CgroupWritable, string Cgroup)
    {
        public bool LimitsOn => BubblewrapWorks && CgroupWritable;

        public IReadOnlyList<string> Warnings
        {
            get
            {
                var warnings = new List<string>();
                if (!BubblewrapWorks)
                    warnings.Add($"Sandbox off: {Bubblewrap}");
                if (!CgroupWritable)
                    warnings.Add($"Limits off: {Cgroup}");
                return warnings;
            }
        }
    }

    public static Status From(SandboxStatus kernels) =>
        new(kernels.Bubblewrap, kernels.BubblewrapDetail, kernels.CgroupVersion > 0, kernels.CgroupDetail);
}
