using System.Globalization;
using NanoChat.Appliance.Hosting;
using NanoChat.Appliance.Kernels;
using NanoChat.Appliance.Kernels.Sandbox;

namespace NanoChat.Appliance.Workspaces;

/// <summary>
/// Each student's workspace (<c>DATA/workspaces/&lt;user id&gt;</c>, their home inside the kernel):
/// made on first use and owned by the account kernels run as, so the kernel can write it and the
/// appliance (root) can still back it up, copy into it and delete it. Files the appliance itself wrote
/// there (a restore, an older version that ran kernels as root) are handed over once, at the next
/// kernel start. A singleton of the web process.
/// </summary>
public sealed class WorkspaceFolders(ApplianceOptions options, SandboxStatus sandbox)
{
    public string PathOf(long userId) => Path.Combine(options.WorkspacesDirectory, userId.ToString(CultureInfo.InvariantCulture));

    /// <summary>The user's workspace, made if missing and owned by the kernel account; call only while no worker of theirs runs.</summary>
    public string Prepare(long userId)
    {
        var workspace = PathOf(userId);
        Directory.CreateDirectory(workspace);
        if (sandbox.User is { } user && !OperatingSystem.IsWindows())
        {
            if (Posix.Status(workspace) is not { } status || status.Owner != user.Uid || status.Group != user.Gid)
                GiveTree(workspace, user);
            File.SetUnixFileMode(workspace, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return workspace;
    }

    /// <summary>
    /// A folder inside the user's workspace (made with every missing level above it), owned by the
    /// kernel account; a link on the way is replaced by nothing: the call fails instead.
    /// </summary>
    public void EnsureFolder(long userId, string relative)
    {
        var current = PathOf(userId);
        foreach (var part in relative.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Combine(current, part);
            if (Posix.Describe(current) is { IsLink: true })
                throw new IOException($"'{current}' is a link; course data is not shown through it.");
            if (Directory.Exists(current))
                continue;
            Directory.CreateDirectory(current);
            if (sandbox.User is { } user)
                Posix.ChangeOwner(current, user.Uid, user.Gid);
        }
    }

    /// <summary>
    /// lchown of every entry below <paramref name="folder"/>, never following a link (a student's
    /// link to /etc/shadow stays a link they own). Runs only while none of the student's processes
    /// exist, so nothing can swap a folder for a link under the walk.
    /// </summary>
    private static void GiveTree(string folder, KernelUser user)
    {
        var pending = new Stack<string>();
        pending.Push(folder);
        while (pending.TryPop(out var current))
        {
            Posix.ChangeOwner(current, user.Uid, user.Gid);
            if (Posix.Describe(current) is not { IsDirectory: true })
                continue;
            foreach (var entry in Directory.EnumerateFileSystemEntries(current))
            {
                if (Posix.Describe(entry) is { IsDirectory: true })
                    pending.Push(entry);
                else
                    Posix.ChangeOwner(entry, user.Uid, user.Gid);
            }
        }
    }
}
