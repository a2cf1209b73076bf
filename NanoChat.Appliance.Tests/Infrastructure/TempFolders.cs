namespace NanoChat.Appliance.Tests.Infrastructure;

/// <summary>Fresh folders under the system temp folder, one per test, removed afterwards.</summary>
public static class TempFolders
{
    public static string Create(string purpose)
    {
        var path = Path.Combine(Path.GetTempPath(), "nanochat-tests", $"{purpose}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    public static void Delete(string path)
    {
        try
        {
            if (Directory.Exists(path))
                Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // A worker may still be letting go of a file; the OS temp cleaner gets the rest.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
