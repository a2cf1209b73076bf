using System.Diagnostics;

namespace NanoChat.Appliance.Kernels;

/// <summary>
/// What isolation this box gives students' workers, found once at start: bubblewrap usable or not,
/// cgroups (v1/v2) writable or not. Anything missing is logged once as a warning and shown to
/// instructors (admin console), and workers start anyway, less isolated. Lives as long as the web process.
/// </summary>
public sealed class SandboxStatus
{
    public const string BubblewrapPath = "/usr/bin/bwrap";

    public bool Bubblewrap { get; private init; }
    public int CgroupVersion { get; private init; }

    /// <summary>The account kernels run as (the appliance runs as root), or null: as the appliance's own user.</summary>
    public Sandbox.KernelUser? User { get; private init; }

    /// <summary>
    /// Why no kernel may start at all, or null. Set when the appliance runs as root but cannot both
    /// sandbox a kernel and take root away from it: student code never runs as root.
    /// </summary>
    public string? Refusal { get; private init; }

    /// <summary>One sentence on whose rights student code has, for the console.</summary>
    public string UserDetail { get; private init; } = "";

    /// <summary>One sentence each on the sandbox and the limits, working or not, for the console.</summary>
    public string BubblewrapDetail { get; private init; } = "";
    public string CgroupDetail { get; private init; } = "";
    public IReadOnlyList<string> Warnings { get; private init; } = [];

    public bool FullyIsolated => Bubblewrap && CgroupVersion > 0;

    public static SandboxStatus Detect(KernelOptions options)
    {
        var warnings = new List<string>();
        var bubblewrap = false;
        if (!options.UseSandbox)
            warnings.Add("Kernel sandbox turned off by configuration: student code runs with the appliance's own rights and can read its data folder.");
        else if (!File.Exists(BubblewrapPath))
            warnings.Add($"bubblewrap is not installed ({BubblewrapPath} missing): student code can read the data folder and other students' work. Fix: apt-get install bubblewrap.");
        else if (RunsOk(BubblewrapPath, "--ro-bind", "/", "/", "--unshare-pid", "--proc", "/proc", "--dev", "/dev", "--die-with-parent", "--new-session", "--cap-drop", "ALL", "--unshare-net", "true") is { } failure)
            warnings.Add($"bubblewrap cannot create a sandbox here ({failure}): student code is not isolated. Fix: allow unprivileged user namespaces or run the appliance as root.");
        else
            bubblewrap = true;

        var version = 0;
        var bubblewrapDetail = bubblewrap ? $"Each kernel runs in bubblewrap ({BubblewrapPath}): own pid and network namespaces, read-only system, only its workspace writable." : warnings[0];
        if (!options.UseCgroups)
            warnings.Add("Kernel cgroups turned off by configuration: no memory, process or CPU limits on student code.");
        else
        {
            (version, var problem) = KernelCgroup.Probe();
            if (version == 0)
                warnings.Add($"No writable cgroup for kernel limits ({problem}): a student's code can use all memory, processes and CPU. Fix: {CgroupFix()}");
        }
        var cgroupDetail = version > 0
            ? $"Each kernel has a cgroup v{version}: at most {Admin.ConsoleFormatting.Bytes(options.MemoryLimitBytes)} of memory, {options.PidsLimit} processes, {(options.CpuCores > 0 ? $"{options.CpuCores:0.##} CPU cores" : "all CPU cores")}."
            : warnings[^1];
        var (user, userProblem) = Sandbox.KernelUser.Resolve(options.KernelUserName);
        string? refusal = null;
        string userDetail;
        if (Environment.IsPrivilegedProcess)
        {
            if (user is null)
                refusal = $"No kernel can start: the appliance runs as root and has no unprivileged account for student code ({userProblem})";
            else if (!bubblewrap)
                refusal = "No kernel can start: the appliance runs as root and bubblewrap is not usable, so student code could not be kept from root's rights and the data folder. Fix: apt-get install bubblewrap.";
            else if (RunsOk(BubblewrapPath, ["--ro-bind", "/", "/", "--unshare-pid", "--unshare-net", "--proc", "/proc", "--dev", "/dev", "--die-with-parent", "--new-session",
                "--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--cap-add", "CAP_SETPCAP", "--", .. Sandbox.SandboxLayout.DropPrivileges(user), "true"]) is { } failure)
                refusal = $"No kernel can start: student code could not be switched to the account {user.Name} inside the sandbox ({failure}).";
            userDetail = refusal ?? $"Student code runs as the unprivileged account {user!.Name} (uid {user.Uid}), never as root; each kernel has its own network namespace.";
            if (refusal is not null)
                warnings.Add(refusal);
        }
        else
        {
            userDetail = $"Student code runs as the appliance's own account (uid {CurrentUid()}) inside the sandbox; run the appliance as root (install-service --user root) to give it an unprivileged account of its own.";
        }
        return new SandboxStatus
        {
            User = refusal is null ? user : null,
            Refusal = refusal,
            UserDetail = userDetail,
            Bubblewrap = bubblewrap,
            CgroupVersion = version,
            Warnings = warnings,
            BubblewrapDetail = bubblewrapDetail,
            CgroupDetail = cgroupDetail,
        };
    }

    /// <summary>What to do about missing cgroups: systemd delegates v2 subtrees to a service, never v1 controllers.</summary>
    private static string CgroupFix() => File.Exists(Path.Combine(KernelCgroup.Hierarchy.System.Root, "cgroup.controllers"))
        ? "run the appliance as the systemd service that install-service writes (Delegate=yes gives it its own cgroup subtree), or as root."
        : "this box uses cgroup v1, whose controllers systemd does not delegate to a non-root service: boot with the unified hierarchy (systemd.unified_cgroup_hierarchy=1, the Debian 12 default), or run the appliance as root (install-service --user root).";

    private static string CurrentUid() =>
        File.ReadLines("/proc/self/status").FirstOrDefault(line => line.StartsWith("Uid:", StringComparison.Ordinal))?.Split('\t', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1) ?? "?";

    private static string? RunsOk(string file, params string[] arguments)
    {
        try
        {
            var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var argument in arguments)
                start.ArgumentList.Add(argument);
            using var process = Process.Start(start)!;
            var errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? null : $"exit {process.ExitCode}: {errors.Trim()}";
        }
        catch (Exception error)
        {
            return error.Message;
        }
    }
}
