namespace NanoChat.Appliance.Hosting;

/// <summary>`serve`: validates the options and the data folder, then runs the web process.</summary>
public static class ServeCommand
{
    /// <summary>Every appliance-wide setting is a flag of `serve`.</summary>
    private static readonly CommandShape Shape =
        new("serve", "Runs the web process.", [.. Settings.SettingsCatalog.All.Select(setting => setting.Name)]);

    public static async Task<int> RunAsync(string[] args)
    {
        var options = Shape.Parse(args).Options();
        if (options.Validate() is { } problem)
            return CommandLine.Fail(problem);
        if (DataDirectory.Prepare(options) is { } folderProblem)
            return CommandLine.Fail(folderProblem);

        Web.MemoryGiveBack.FixNativeThreshold();
        WebApplication app;
        try
        {
            app = Program.BuildWebApp(options);
        }
        catch (Microsoft.Data.Sqlite.SqliteException error)
        {
            return CommandLine.Fail($"The database '{options.DatabasePath}' cannot be opened: {error.Message}");
        }
        catch (InvalidOperationException error)
        {
            return CommandLine.Fail(error.Message);
        }

        try
        {
            await app.StartAsync();
        }
        catch (IOException error)
        {
            return CommandLine.Fail($"Cannot listen on {options.Urls}: {error.Message}");
        }
        Console.WriteLine($"NanoChat Appliance is serving {string.Join(", ", app.Urls)} with data in {options.DataDirectoryFullPath}");
        await app.WaitForShutdownAsync();
        return 0;
    }
}
