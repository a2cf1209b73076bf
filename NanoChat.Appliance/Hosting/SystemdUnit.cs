using System.Text;

namespace NanoChat.Appliance.Hosting;

/// <summary>
/// The systemd unit that runs the appliance as a service (`install-service`). Choices:
/// <list type="bullet">
/// <item><c>Type=notify</c>: the app calls UseSystemd(), so "started" means Kestrel listens.</item>
/// <item><c>Restart=on-failure</c>, and the default <c>KillMode=control-group</c>, so stopping the
/// service also ends every student's worker.</item>
/// <item><c>Delegate=yes</c>: the service owns its cgroup subtree and can put each worker in a child
/// cgroup with memory, CPU and process limits. For the same reason <c>ProtectControlGroups</c> is not set.</item>
/// <item><c>ProtectSystem=strict</c> with only the data folder in <c>ReadWritePaths</c>; <c>ProtectHome=read-only</c>
/// (a nanochat checkout under /home stays readable); <c>PrivateTmp</c>.</item>
/// <item>bubblewrap needs user, mount and pid namespaces, so <c>RestrictNamespaces</c> is never set and
/// <c>PrivateDevices</c> is not set (GPUs are /dev/nvidia*). <c>NoNewPrivileges=yes</c> (and the settings
/// that imply it for a non-root service, such as <c>ProtectKernelModules</c> or <c>RestrictSUIDSGID</c>) are
/// set only when bwrap is not setuid-root: an unprivileged bwrap creates user namespaces without gaining
/// privileges, while a setuid bwrap (older distributions) would be stopped by no_new_privs.
/// <c>ProtectKernelTunables</c> and <c>ProtectKernelLogs</c> are never set: they mount over parts of /proc,
/// and an unprivileged process may then not mount the new /proc a sandbox with its own pid namespace needs.</item>
/// <item>As root (the default: the only way to run kernels as an account of their own, and to get kernel
/// limits on a cgroup v1 box, where systemd delegates nothing to other users) no capability is dropped:
/// root's bwrap needs CAP_SYS_ADMIN, and setpriv CAP_SETUID/CAP_SETGID to hand kernels to nanochat-kernel.</item>
/// <item><c>CacheDirectory=</c> for the single-file bundle's unpacked native libraries: with
/// <c>ProtectHome</c> the default (<c>$HOME/.net</c>) is read-only for a root service.</item>
/// </list>
/// </summary>
public static class SystemdUnit
{
    public const string ServiceName = "nanochat-appliance.service";
    public const string DefaultUnitPath = "/etc/systemd/system/" + ServiceName;
    /// <summary>
    /// Root by default: only root can run each student's kernel as the unprivileged account
    /// nanochat-kernel (a service of its own account would run student code with its own rights,
    /// next to its database), and only root gets kernel limits on a cgroup v1 box.
    /// </summary>
    public const string DefaultUser = "root";
    public const string DefaultDataDirectory = "/var/lib/nanochat";

    public sealed record Settings(IReadOnlyList<string> ExecStart, string User, string DataDirectory, bool BubblewrapIsSetuid, bool NeedsLowPort);

    public static string Render(Settings settings)
    {
        var text = new StringBuilder();
        text.AppendLine("# Written by `NanoChat.Appliance install-service`; `uninstall-service` removes it.");
        text.AppendLine("[Unit]");
        text.AppendLine("Description=NanoChat Appliance (classroom notebooks and chat)");
        text.AppendLine("After=network-online.target");
        text.AppendLine("Wants=network-online.target");
        text.AppendLine();
        text.AppendLine("[Service]");
        text.AppendLine("Type=notify");
        text.AppendLine($"User={settings.User}");
        text.AppendLine($"Group={settings.User}");
        text.AppendLine($"ExecStart={string.Join(' ', settings.ExecStart.Select(Quote))}");
        text.AppendLine($"WorkingDirectory={Path(settings.DataDirectory)}");
        text.AppendLine("Restart=on-failure");
        text.AppendLine("RestartSec=5");
        text.AppendLine("TimeoutStopSec=30");
        text.AppendLine("# Kernel cgroups: the service owns its subtree (memory, CPU and process limits per worker).");
        text.AppendLine("Delegate=yes");
        text.AppendLine("LimitNOFILE=65536");
        text.AppendLine("UMask=0077");
        text.AppendLine("# The single-file binary unpacks its native libraries into a cache: $HOME is read-only here (or /root).");
        text.AppendLine("CacheDirectory=nanochat-appliance");
        text.AppendLine("Environment=DOTNET_BUNDLE_EXTRACT_BASE_DIR=%C/nanochat-appliance");
        text.AppendLine("ProtectSystem=strict");
        text.AppendLine($"ReadWritePaths={Path(settings.DataDirectory)}");
        text.AppendLine("ProtectHome=read-only");
        text.AppendLine("PrivateTmp=yes");
        if (settings.NeedsLowPort)
        {
            text.AppendLine("AmbientCapabilities=CAP_NET_BIND_SERVICE");
        }
        if (settings.User == "root")
        {
            text.AppendLine("# Runs as root so that each kernel runs as the unprivileged account nanochat-kernel: bubblewrap needs");
            text.AppendLine("# CAP_SYS_ADMIN, setpriv CAP_SETUID/CAP_SETGID, cgroup v1 folders CAP_DAC_OVERRIDE, so capabilities are");
            text.AppendLine("# kept and NoNewPrivileges is not set (student code itself gets no_new_privs and no capability).");
            text.AppendLine("ProtectKernelModules=yes");
            text.AppendLine("ProtectClock=yes");
            text.AppendLine("RestrictRealtime=yes");
            text.AppendLine("LockPersonality=yes");
        }
        else if (settings.BubblewrapIsSetuid)
        {
            text.AppendLine("# bwrap is setuid-root on this box: no_new_privs would stop it, so NoNewPrivileges and the");
            text.AppendLine("# settings that imply it (ProtectKernelModules, RestrictSUIDSGID, …) are left off.");
            text.AppendLine("NoNewPrivileges=no");
        }
        else
        {
            text.AppendLine("# bwrap is unprivileged (user namespaces), so no_new_privs does not break the sandbox.");
            text.AppendLine("NoNewPrivileges=yes");
            text.AppendLine($"CapabilityBoundingSet={(settings.NeedsLowPort ? "CAP_NET_BIND_SERVICE" : "")}");
            text.AppendLine("# Not ProtectKernelTunables/ProtectKernelLogs: they mount over parts of /proc, and the kernel then");
            text.AppendLine("# refuses the fresh /proc that bubblewrap mounts in each worker's pid namespace.");
            text.AppendLine("ProtectKernelModules=yes");
            text.AppendLine("ProtectClock=yes");
            text.AppendLine("RestrictRealtime=yes");
            text.AppendLine("RestrictSUIDSGID=yes");
            text.AppendLine("LockPersonality=yes");
        }
        text.AppendLine();
        text.AppendLine("[Install]");
        text.AppendLine("WantedBy=multi-user.target");
        return text.ToString();
    }

    /// <summary>
    /// One word of a unit line: '%' and '$' doubled (systemd specifiers and variables), and quoted
    /// when it holds spaces, quotes or backslashes.
    /// </summary>
    public static string Quote(string word)
    {
        var escaped = word.Replace("%", "%%", StringComparison.Ordinal).Replace("$", "$$", StringComparison.Ordinal);
        if (escaped.Length > 0 && !escaped.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'' or '\\' or ';'))
            return escaped;
        return "\"" + escaped.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>
    /// A path setting (WorkingDirectory=, ReadWritePaths=) takes no quotes, and ReadWritePaths= splits
    /// on spaces, so the data folder must not hold white space; '%' is still a specifier.
    /// </summary>
    public static string Path(string path)
    {
        if (!System.IO.Path.IsPathFullyQualified(path) || path.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'' or '\\'))
            throw new ArgumentException($"The data folder '{path}' must be an absolute path without spaces or quotes to be used by a systemd unit.", nameof(path));
        return path.Replace("%", "%%", StringComparison.Ordinal);
    }

    /// <summary>The command that starts this very binary: the apphost, or `dotnet NanoChat.Appliance.dll`.</summary>
    public static List<string> ThisBinary()
    {
        var process = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot tell where this binary is.");
        if (System.IO.Path.GetFileNameWithoutExtension(process) is "dotnet")
            return [process, System.IO.Path.Combine(AppContext.BaseDirectory, "NanoChat.Appliance.dll")];
        return [process];
    }

    public static bool BubblewrapIsSetuid()
    {
        var bwrap = File.Exists("/usr/bin/bwrap") ? "/usr/bin/bwrap" : null;
        return bwrap is not null && !OperatingSystem.IsWindows() && File.GetUnixFileMode(bwrap).HasFlag(UnixFileMode.SetUser);
    }
}
