using System.Diagnostics;

namespace NanoChat.Appliance.Admin;

/// <summary>
/// Whether student code can be confined on this box: bubblewrap present and able to make a user
/// namespace (tried once with a no-op), and a cgroup v2 subtree this process may write (systemd's
/// <c>Delegate=yes</c>) for memory/CPU/process limits. Each missing part is a warning on the console,
/// because without it a fork bomb or a 100 GB allocation is no longer one student's problem.
/// Probed once per process (the answers do not change while it runs).
/// </summary>
public static class SandboxProbe
{
    public sealed record Status(bool BubblewrapFound, bool BubblewrapWorks, string Bubblewrap, bool CgroupWritable, string Cgroup)
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

    private static readonly Lazy<Status> Probed = new(Probe);

    public static Status Current => Probed.Value;

    private static Status Probe()
    {
        var bwrap = File.Exists("/usr/bin/bwrap") ? "/usr/bin/bwrap" : GpuProbe.FindOnPath("bwrap");
        var (works, bwrapText) = bwrap is null
            ? (false, "bubblewrap is not installed (apt-get install bubblewrap).")
            : TryBubblewrap(bwrap);
        var (writable, cgroupText) = CheckCgroup();
        return new Status(bwrap is not null, works, bwrapText, writable, cgroupText);
    }

    private static (bool, string) TryBubblewrap(string bwrap)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(bwrap)
            {
                ArgumentList = { "--ro-bind", "/", "/", "--unshare-user", "--unshare-pid", "--die-with-parent", "--", "/bin/true" },
                RedirectStandardError = true,
                UseShellExecute = false,
            })!;
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(5_000))
            {
                process.Kill(entireProcessTree: true);
                return (false, $"{bwrap} did not answer within 5 seconds.");
            }
            return process.ExitCode == 0
                ? (true, $"{bwrap} can create user namespaces.")
                : (false, $"{bwrap} cannot start a sandbox here: {error.Result.Trim()} (user namespaces disabled, or NoNewPrivileges with a setuid bwrap).");
        }
        catch (System.ComponentModel.Win32Exception error)
        {
            return (false, $"{bwrap} cannot be run: {error.Message}");
        }
    }

    private static (bool, string) CheckCgroup()
    {
        const string root = "/sys/fs/cgroup";
        if (!File.Exists(Path.Combine(root, "cgroup.controllers")))
            return (false, "cgroup v2 is not mounted at /sys/fs/cgroup, so memory and CPU limits cannot be set.");
        string own;
        try
        {
            own = File.ReadAllLines("/proc/self/cgroup").FirstOrDefault(line => line.StartsWith("0::", StringComparison.Ordinal))?[3..] ?? "/";
        }
        catch (IOException error)
        {
            return (false, $"cannot read /proc/self/cgroup: {error.Message}");
        }
        var folder = Path.Combine(root, own.TrimStart('/'));
        var control = Path.Combine(folder, "cgroup.subtree_control");
        try
        {
            // Opening for writing changes nothing; it only proves systemd delegated this subtree to us.
            using (new FileStream(control, FileMode.Open, FileAccess.Write))
            {
            }
            return (true, $"cgroup {own} is delegated to the appliance (limits can be set).");
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return (false, $"cgroup {own} is not writable ({error.Message}); run the service with Delegate=yes (install-service does).");
        }
    }
}
