namespace NanoChat.Appliance.Hosting;

/// <summary>
/// The binary's sub-commands (architecture.md, "Command line"). Each returns an exit code; a bad
/// flag or an unusable setting prints one sentence to stderr and exits with 2.
/// </summary>
public static class CommandLine
{
    public const int UsageError = 2;

    public const string Usage = """
        Usage:
          NanoChat.Appliance serve [--urls URL] [--data DIR] [--python PATH] [--nanochat DIR]
                [--kernel-memory-mb N] [--kernel-pids N] [--kernel-cpus N] [--kernel-idle-minutes N]
                [--kernel-interrupt-grace-seconds N] [--kernel-gpu-fraction F] [--kernel-user NAME]
                [--workspace-quota-gb N] [--disk-reserve-gb N]
                                   [--backup-dir DIR] [--backups-kept N] [--backup-hour H|-1]
          NanoChat.Appliance user add NAME [--role instructor|student] [--data DIR]   (password from stdin, or generated)
          NanoChat.Appliance backup FILE [--data DIR]                                 (FILE.tar.gz: database + workspaces)
          NanoChat.Appliance restore FILE --data DIR                                 (into an empty data folder)
          NanoChat.Appliance course-data add PATH|URL --kind KIND [--name NAME] [--sha256 HEX] [--data DIR]
          NanoChat.Appliance course-data list|remove NAME [--data DIR]            (course data for every kernel, read-only)
          NanoChat.Appliance doctor [--data DIR] [--python PATH] [--nanochat DIR]   (is this box ready for a class?)
          NanoChat.Appliance install-service [--data DIR] [--urls URL] [--user NAME] [--dry-run]
          NanoChat.Appliance uninstall-service
          NanoChat.Appliance kernel --socket PATH --user NAME                        (internal: a student's worker)
        Environment: NANOCHAT_DATA, NANOCHAT_URLS, NANOCHAT_PYTHON, NANOCHAT_DIR, NANOCHAT_IDLE_SIGNOUT_MINUTES,
          NANOCHAT_KERNEL_MEMORY_MB and the other --kernel-* flags in the same form.
          NANOCHAT_BACKUP_DIR, NANOCHAT_BACKUPS_KEPT, NANOCHAT_BACKUP_HOUR.
        """;

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

    /// <summary>
    /// Reads `--name value` pairs into <paramref name="options"/>, starting from the NANOCHAT_*
    /// environment; returns the words that are not flags.
    /// </summary>
    public static List<string> ParseCommon(string[] args, ApplianceOptions options, params string[] allowedFlags)
    {
        options.DataDirectory = Environment.GetEnvironmentVariable("NANOCHAT_DATA") ?? options.DataDirectory;
        options.Urls = Environment.GetEnvironmentVariable("NANOCHAT_URLS") ?? options.Urls;
        options.PythonPath = Environment.GetEnvironmentVariable("NANOCHAT_PYTHON") ?? options.PythonPath;
        options.NanochatDirectory = Environment.GetEnvironmentVariable("NANOCHAT_DIR") ?? options.NanochatDirectory;
        if (Environment.GetEnvironmentVariable("NANOCHAT_IDLE_SIGNOUT_MINUTES") is { } idle)
            options.IdleSignoutMinutes = double.TryParse(idle, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var minutes) ? minutes
                : throw new CommandLineException($"NANOCHAT_IDLE_SIGNOUT_MINUTES='{idle}' is not a number of minutes.");
        options.BackupDirectory = Environment.GetEnvironmentVariable("NANOCHAT_BACKUP_DIR") ?? options.BackupDirectory;
        if (Environment.GetEnvironmentVariable("NANOCHAT_BACKUPS_KEPT") is { } kept)
            options.BackupsKept = Number("NANOCHAT_BACKUPS_KEPT", kept);
        if (Environment.GetEnvironmentVariable("NANOCHAT_BACKUP_HOUR") is { } hour)
            options.NightlyBackupHour = Number("NANOCHAT_BACKUP_HOUR", hour);

        var words = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                words.Add(arg);
                continue;
            }
            var flagName = arg[2..].Split('=', 2)[0];
            if (!allowedFlags.Contains(flagName))
                throw new CommandLineException($"Unknown option '--{flagName}'.");
            var (name, value) = SplitFlag(arg, args, ref i);
            switch (name)
            {
                case "data": options.DataDirectory = value; break;
                case "urls": options.Urls = value; break;
                case "python": options.PythonPath = value; break;
                case "nanochat": options.NanochatDirectory = value; break;
                case "backup-dir": options.BackupDirectory = value; break;
                case "backups-kept": options.BackupsKept = Number("--backups-kept", value); break;
                case "backup-hour": options.NightlyBackupHour = Number("--backup-hour", value); break;
                default: options.Extra[name] = value; break;
            }
        }
        return words;
    }

    private static int Number(string what, string value) =>
        int.TryParse(value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new CommandLineException($"{what} '{value}' is not a whole number.");

    private static (string Name, string Value) SplitFlag(string arg, string[] args, ref int i)
    {
        var body = arg[2..];
        var equals = body.IndexOf('=', StringComparison.Ordinal);
        if (equals >= 0)
            return (body[..equals], body[(equals + 1)..]);
        if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            throw new CommandLineException($"Option '--{body}' needs a value.");
        return (body, args[++i]);
    }
}

/// <summary>A command-line mistake, told to the user as one sentence.</summary>
public sealed class CommandLineException(string message) : Exception(message);
