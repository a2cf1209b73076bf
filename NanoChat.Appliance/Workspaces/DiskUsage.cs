using NanoChat.Appliance.Kernels.Sandbox;

namespace NanoChat.Appliance.Workspaces;

/// <summary>
/// How much disk a folder's files take: allocated blocks (what `du` counts), so a sparse file
/// costs what it occupies, not its apparent size. Links are counted, never followed.
/// </summary>
public static class DiskUsage
{
    public static long Measure(string folder)
    {
        var total = 0L;
        var pending = new Stack<string>();
        pending.Push(folder);
        while (pending.TryPop(out var current))
        {
            if (Posix.Describe(current) is not { } status)
                continue;
            total += status.AllocatedBytes;
            if (!status.IsDirectory)
                continue;
            IEnumerable<string> entries;
            try
            {
                entries = Directory.EnumerateFileSystemEntries(current);
                foreach (var entry in entries)
                {
                    if (Posix.Describe(entry) is { } child)
                    {
                        if (child.IsDirectory)
                            pending.Push(entry);
                        else
                            total += child.AllocatedBytes;
                    }
                }
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                // Removed while we walked, or unreadable: what was seen is counted.
            }
        }
        return total;
    }
}
