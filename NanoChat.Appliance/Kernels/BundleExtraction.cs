namespace NanoChat.Appliance.Kernels;

/// <summary>
/// Where the single-file host unpacked the bundle's native libraries for this process, so that each
/// worker (a fresh start of the same binary) reuses that folder instead of unpacking its own copy.
/// The host unpacks into <c>$DOTNET_BUNDLE_EXTRACT_BASE_DIR/&lt;app&gt;/&lt;bundle id&gt;/</c>, by default
/// under <c>$HOME/.net</c>; a worker's HOME is the student's workspace, so without this every student
/// found a 1.5 MB <c>.net/</c> folder in their files and paid the write in their first cold start.
/// A complete folder is reused by the host without writing, so a read-only view of it is enough.
/// Null under <c>dotnet build</c> output (nothing is unpacked) and when the folder cannot be told.
/// Found once per web process.
/// </summary>
public static class BundleExtraction
{
    public const string BaseVariable = "DOTNET_BUNDLE_EXTRACT_BASE_DIR";

    /// <summary>This process's unpacked bundle folder (<c>BASE/&lt;app&gt;/&lt;bundle id&gt;</c>), or null.</summary>
    public static string? Folder { get; } = Find(
        AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") as string,
        AppContext.BaseDirectory,
        Environment.ProcessPath);

    /// <summary>The value of <see cref="BaseVariable"/> that makes another start of this binary find <see cref="Folder"/>.</summary>
    public static string? BaseFolder => Folder is null ? null : Path.GetDirectoryName(Path.GetDirectoryName(Folder));

    /// <summary>
    /// The native search directory that has the shape of an unpacked bundle: a folder, not the app's
    /// own, whose parent is named for the executable (its whole file name: "NanoChat.Appliance" has
    /// no extension to strip, and a renamed copy unpacks under its new name). Only a single-file
    /// process has one.
    /// </summary>
    internal static string? Find(string? nativeSearchDirectories, string appBaseDirectory, string? processPath)
    {
        var appName = Path.GetFileName(processPath);
        if (string.IsNullOrEmpty(nativeSearchDirectories) || string.IsNullOrEmpty(appName) || appName == "dotnet")
            return null;
        var own = Path.TrimEndingDirectorySeparator(Path.GetFullPath(appBaseDirectory));
        foreach (var entry in nativeSearchDirectories.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(entry));
            if (folder != own && Path.GetFileName(Path.GetDirectoryName(folder)) == appName && Directory.Exists(folder))
                return folder;
        }
        return null;
    }
}
