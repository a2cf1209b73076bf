using System.Runtime.InteropServices;

namespace NanoChat.Appliance.Web;

/// <summary>
/// The web process gives memory back to the box after large requests: the box's memory is for the
/// students' kernels. Two causes were measured (15 saves of a 31 MB notebook took the process from
/// 105 MB to 1.8 GB, held afterwards; now a 340 MB peak, back to about 180 MB): glibc keeping SQLite's freed 30 MB records in its heap (its mmap threshold
/// rises to 32 MB after the first large free, so later ones are never unmapped), and the GC keeping
/// the garbage of the last save until some later allocation. Fixed threshold at start; a compacting
/// collection plus malloc_trim shortly after a large request, at most one per few seconds.
/// </summary>
public static partial class MemoryGiveBack
{
    public const long LargeRequestBytes = 4L * 1024 * 1024;
    private static readonly TimeSpan After = TimeSpan.FromSeconds(2);
    private static int _scheduled;

    /// <summary>Large allocations of native code (SQLite's records) always mapped, so a free returns them.</summary>
    public static void FixNativeThreshold()
    {
        if (!OperatingSystem.IsLinux())
            return;
        try
        {
            const int mmapThreshold = -3; // M_MMAP_THRESHOLD
            _ = mallopt(mmapThreshold, 256 * 1024); // 0 only for a bad parameter; nothing to do then
        }
        catch (Exception error) when (error is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (musl): its allocator unmaps large blocks by itself.
        }
    }

    public static IApplicationBuilder UseMemoryGiveBack(this IApplicationBuilder app) =>
        app.Use(async (http, next) =>
        {
            await next(http);
            if ((http.Request.ContentLength ?? 0) >= LargeRequestBytes)
                Schedule();
        });

    private static void Schedule()
    {
        if (Interlocked.Exchange(ref _scheduled, 1) == 1)
            return;
        _ = Task.Run(async () =>
        {
            await Task.Delay(After);
            Volatile.Write(ref _scheduled, 0);
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            if (OperatingSystem.IsLinux())
            {
                try
                {
                    _ = malloc_trim(0); // says only whether anything was released
                }
                catch (Exception error) when (error is DllNotFoundException or EntryPointNotFoundException)
                {
                }
            }
        });
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int mallopt(int parameter, int value);

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int malloc_trim(nuint pad);
}
