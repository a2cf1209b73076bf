using System.Diagnostics;
using System.Globalization;

namespace NanoChat.Appliance.Kernels.Sandbox;

/// <summary>
/// The unprivileged account students' code runs as when the appliance runs as root: one shared
/// system user (default <c>nanochat-kernel</c>), never root and never the appliance's own user.
/// <para>
/// One shared uid rather than one per student: an MPS control daemon serves the clients of one uid
/// at a time, so kernels that share a GPU through MPS must share a uid. Students are kept apart by
/// the sandbox (each kernel sees only its own workspace, its own pid, ipc, uts and network
/// namespaces, its own /tmp), not by the uid. The uid is what keeps every kernel away from the host's
/// root-only files, the data folder (mode 0700, root's) and the appliance's processes.
/// </para>
/// Found (and created with <c>useradd --system</c> when it is missing and the default name is asked
/// for) once at start; null when the appliance does not run as root, since only root can switch.
/// </summary>
public sealed record KernelUser(string Name, int Uid, int Gid)
{
    public const string DefaultName = "nanochat-kernel";

    /// <summary>The account kernels use, or null and a sentence why they run as the appliance's own user.</summary>
    public static (KernelUser? User, string? Problem) Resolve(string name)
    {
        if (!Environment.IsPrivilegedProcess)
            return (null, null);
        if (Lookup(name) is { } found)
            return Check(found);
        if (name != DefaultName)
            return (null, $"The kernel user '{name}' (--kernel-user) does not exist; create it (useradd --system {name}) or leave the default.");
        var created = Run("useradd", "--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin",
            "--comment", "NanoChat Appliance student kernels", name);
        if (Lookup(name) is { } made)
            return Check(made);
        return (null, $"The kernel user '{name}' could not be created ({created}).");
    }

    private static (KernelUser?, string?) Check(KernelUser user) =>
        user.Uid == 0 || user.Gid == 0
            ? (null, $"The kernel user '{user.Name}' has uid {user.Uid} and gid {user.Gid}; student code must not run with root's ids.")
            : (user, null);

    /// <summary>The passwd entry of <paramref name="name"/> through NSS (getent), or null.</summary>
    public static KernelUser? Lookup(string name)
    {
        var line = Run("getent", "passwd", name);
        var fields = line?.Split(':');
        if (fields is not { Length: >= 4 } || fields[0] != name
            || !int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var uid)
            || !int.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var gid))
            return null;
        return new KernelUser(name, uid, gid);
    }

    /// <summary>
    /// True when this user may walk into <paramref name="folder"/> (x on every folder above it,
    /// by owner, group or other bits). Folders it may not walk are hidden in the sandbox and what
    /// the kernel needs below them is bound in again.
    /// </summary>
    public bool CanTraverse(string folder)
    {
        if (OperatingSystem.IsWindows())
            return true;
        try
        {
            var status = Posix.Status(folder);
            if (status is null)
                return false;
            var (owner, group, mode) = status.Value;
            var bit = owner == Uid ? 0b001_000_000 : group == Gid ? 0b000_001_000 : 0b000_000_001; // u+x, g+x, o+x
            return (mode & bit) != 0;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static string? Run(string file, params string[] arguments)
    {
        try
        {
            var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in arguments)
                start.ArgumentList.Add(argument);
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd();
            var errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? output.Trim() : errors.Trim() is { Length: > 0 } message ? message : null;
        }
        catch (System.ComponentModel.Win32Exception error)
        {
            return error.Message;
        }
    }
}
