namespace NanoChat.Appliance.Hosting;

/// <summary>`serve`: validates the options and the data folder, then runs the web process.</summary>
public static class ServeCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = new ApplianceOptions();
        var words = CommandLine.ParseCommon(args, options, ["data", "urls", "python", "nanochat", "backup-dir", "backups-kept", "backup-hour", .. Kernels.KernelOptionsBinding.Flags, .. Kernels.KernelOptionsBinding.TextFlags]);
        if (words.Count > 0)
            return CommandLine.Fail($"'serve' takes no argument '{words[0]}'.");
        Kernels.KernelOptionsBinding.Apply(options);
        if (options.Validate() is { } problem)
            return CommandLine.Fail(problem);
        if (DataDirectory.Prepare(options) is { } folderProblem)
            return CommandLine.Fail(folderProblem);

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
