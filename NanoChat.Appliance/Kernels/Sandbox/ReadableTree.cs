namespace NanoChat.Appliance.Kernels.Sandbox;

/// <summary>
/// Makes a folder the kernel account must run from readable by every account (r for all, x on
/// folders and on what its owner may run): the appliance's own venv under the data folder and the
/// single file's unpacked libraries, which a service with UMask=0077 creates root-only. Neither holds
/// anything private, and both sit where only the sandbox shows them to a kernel.
/// </summary>
public static class ReadableTree
{
    private const UnixFileMode ReadByAll = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode RunByAll = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    public static void Apply(string folder)
    {
        if (OperatingSystem.IsWindows() || !Directory.Exists(folder))
            return;
        var pending = new Stack<string>();
        pending.Push(folder);
        while (pending.TryPop(out var current))
        {
            Widen(current, directory: true);
            foreach (var entry in Directory.EnumerateFileSystemEntries(current))
            {
                var status = Posix.Describe(entry);
                if (status is null || status.Value.IsLink)
                    continue;
                if (status.Value.IsDirectory)
                    pending.Push(entry);
                else
                    Widen(entry, directory: false);
            }
        }
    }

    private static void Widen(string path, bool directory)
    {
        var mode = File.GetUnixFileMode(path);
        var wanted = mode | ReadByAll | (directory || mode.HasFlag(UnixFileMode.UserExecute) ? RunByAll : 0);
        if (wanted != mode)
            File.SetUnixFileMode(path, wanted);
    }
}
