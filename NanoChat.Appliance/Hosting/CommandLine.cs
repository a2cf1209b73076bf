namespace NanoChat.Appliance.Hosting;

/// <summary>
/// The binary's sub-commands (architecture.md, "Command line"). Each returns an exit code; a bad
/// flag or an unusable setting prints one sentence to stderr and exits with 2.
/// </summary>
public static class CommandLine
{
    public const int UsageError = 2;

    private const string Commands = """
        Usage:
          NanoChat.Appliance serve [--SETTING VALUE …]                            (the web process; settings below)
          NanoChat.Appliance user add NAME [--role instructor|student] [--data DIR]   (password from stdin, or generated)
          NanoChat.Appliance backup FILE [--data DIR]                                 (FILE.tar.gz: database + workspaces)
          NanoChat.Appliance restore FILE --data DIR                                 (into an empty data folder)
          NanoChat.Appliance course-data add PATH|URL --kind KIND [--name NAME] [--sha256 HEX] [--data DIR]
          NanoChat.Appliance course-data list|remove NAME [--data DIR]            (course data for every kernel, read-only)
          NanoChat.Appliance doctor [--data DIR] [--python PATH] [--nanochat DIR]   (is this box ready for a class?)
          NanoChat.Appliance install-service [--data DIR] [--urls URL] [--user NAME] [--dry-run]
          NanoChat.Appliance uninstall-service
          NanoChat.Appliance kernel --socket PATH --user NAME                        (internal: a student's worker)
        """;

    /// <summary>The commands, then every setting with its three spellings (flag, variable, appsettings.json key).</summary>
    public static string Usage => Commands + Environment.NewLine + SettingsHelp();

    private static string SettingsHelp()
    {
        var lines = new System.Text.StringBuilder();
        lines.AppendLine("Settings: a flag --NAME, the variable NANOCHAT_NAME, or \"NAME\" in appsettings.json beside the binary");
        lines.AppendLine("or in the data folder (later wins: appsettings.json beside the binary, in the data folder, environment, flag).");
        foreach (var setting in Settings.SettingsCatalog.All)
            lines.AppendLine($"  --{setting.Name} {setting.HelpName}".PadRight(42) + $" {setting.EnvironmentAlias ?? setting.EnvironmentName}: {setting.Help}");
        return lines.ToString();
    }

    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            var command = args.Length == 0 || args[0].StartsWith('-') ? "serve" : args[0];
            var rest = args.Length == 0 || args[0].StartsWith('-') ? args : args[1..];
            return command switch
            {
                "serve" => await ServeCommand.RunAsync(rest),
                "user" => UserCommand.Run(rest),
                "backup" => BackupCommand.Run(rest),
                "restore" => RestoreCommand.Run(rest),
                "course-data" => await CourseDataCommand.RunAsync(rest),
                "doctor" => DoctorCommand.Run(rest),
                "install-service" => ServiceCommand.Install(rest),
                "uninstall-service" => ServiceCommand.Uninstall(rest),
                "kernel" => await KernelCommandEntry.RunAsync(rest),
                "help" or "--help" or "-h" => PrintUsage(0),
                _ => Fail($"Unknown command '{command}'."),
            };
        }
        catch (CommandLineException error)
        {
            return Fail(error.Message);
        }
    }

    public static int Fail(string sentence)
    {
        Console.Error.WriteLine(sentence);
        Console.Error.WriteLine("Run 'NanoChat.Appliance help' for the commands.");
        return UsageError;
    }

    private static int PrintUsage(int code)
    {
        Console.WriteLine(Usage);
        return code;
    }
}

/// <summary>A command-line mistake, told to the user as one sentence.</summary>
public sealed class CommandLineException(string message) : Exception(message);
