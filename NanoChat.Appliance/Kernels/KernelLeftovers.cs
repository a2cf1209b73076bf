using System.Globalization;

namespace NanoChat.Appliance.Kernels;

/// <summary>
/// What a web process that died without stopping (kill -9, a crash, a power cut) left behind: its
/// kernels' cgroup folders and its sockets folder under the temp folder. Its workers died with it
/// (bwrap's --die-with-parent); the folders did not. Removed once at the next start; folders of
/// appliances still running (tests run several in one process) are left alone.
/// </summary>
public static class KernelLeftovers
{
    public static (int Cgroups, int SocketFolders) Remove() =>
        (SafeRemoveCgroups(), RemoveSocketFolders(Path.GetTempPath(), IsRunning));

    private static bool IsRunning(int pid) => Directory.Exists($"/proc/{pid}");

    private static int SafeRemoveCgroups()
    {
        try
        {
            return KernelCgroup.RemoveLeftovers();
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>Removes `nanochat-kernels-PID-…` folders under <paramref name="temp"/> whose PID no longer runs.</summary>
    public static int RemoveSocketFolders(string temp, Func<int, bool> isRunning)
    {
        var removed = 0;
        foreach (var folder in Directory.EnumerateDirectories(temp, KernelServices.SocketsRootPrefix + "*"))
        {
            var rest = Path.GetFileName(folder)[KernelServices.SocketsRootPrefix.Length..];
            if (!int.TryParse(rest.Split('-')[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || isRunning(pid))
                continue;
            try
            {
                Directory.Delete(folder, recursive: true);
                removed++;
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
            }
        }
        return removed;
    }
}
