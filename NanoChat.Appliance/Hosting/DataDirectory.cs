namespace NanoChat.Appliance.Hosting;

/// <summary>
/// Creates and checks the data folder before anything else touches it, so that an unusable folder
/// (read-only, a file in the way, no permission) stops start-up with one sentence instead of a stack trace.
/// </summary>
public static class DataDirectory
{
    public static string? Prepare(ApplianceOptions options)
    {
        var path = options.DataDirectoryFullPath;
        try
        {
            if (File.Exists(path))
                return $"The data folder '{path}' is a file; give --data a folder.";
            Directory.CreateDirectory(path);
            Directory.CreateDirectory(options.WorkspacesDirectory);
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var probe = Path.Combine(path, $".write-probe-{Environment.ProcessId}");
            File.WriteAllText(probe, "ok");
            File.Delete(probe);
            return null;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return $"The data folder '{path}' cannot be used: {error.Message}";
        }
    }
}
