namespace NanoChat.Appliance.Hosting;

/// <summary>
/// Settings of one running appliance: where data lives, where it listens, which Python runs student code.
/// Defaults are in code; appsettings.json, NANOCHAT_* environment variables and the command line override
/// them (<see cref="Settings.ApplianceConfiguration"/>, names in <see cref="Settings.SettingsCatalog"/>).
/// Validated once at start (<see cref="Validate"/>): a bad value stops start-up with one clear sentence.
/// </summary>
public sealed class ApplianceOptions
{
    public const string DefaultUrls = "http://127.0.0.1:5000";

    public string DataDirectory { get; set; } = "./data";
    public string Urls { get; set; } = DefaultUrls;
    public string? PythonPath { get; set; }
    public string? NanochatDirectory { get; set; }

    /// <summary>Absolute lifetime of a sign-in token; security.md caps it at 14 days.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Kiosk idle sign-out in minutes (fractions allowed); 0 turns it off.</summary>
    public double IdleSignoutMinutes { get; set; } = 30;

    /// <summary>Largest request body in bytes (a notebook with images fits; a 1 GB upload does not).</summary>
    public long MaxRequestBodyBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>Revisions kept per notebook in the history table.</summary>
    public int RevisionsKeptPerNotebook { get; set; } = 50;

    /// <summary>How big staged course data (archives, their files) may be.</summary>
    public CourseData.CourseLimits CourseLimits { get; set; } = CourseData.CourseLimits.Default;

    /// <summary>Students' workers: limits, timeouts, output bounds.</summary>
    public Kernels.KernelOptions Kernels { get; } = new();
    /// <summary>Where nightly and console backups go; null means DATA/backups (better: another disk).</summary>
    public string? BackupDirectory { get; set; }

    /// <summary>Nightly backups kept in <see cref="BackupDirectory"/>; older ones are deleted.</summary>
    public int BackupsKept { get; set; } = 7;

    /// <summary>Local hour (0–23) of the nightly backup; -1 turns it off.</summary>
    public int NightlyBackupHour { get; set; } = 2;

    public string DataDirectoryFullPath => Path.GetFullPath(DataDirectory);
    public string DatabasePath => Path.Combine(DataDirectoryFullPath, "appliance.db");
    public string SigningKeyPath => Path.Combine(DataDirectoryFullPath, "signing.key");
    public string WorkspacesDirectory => Path.Combine(DataDirectoryFullPath, "workspaces");
    public string BackupDirectoryFullPath => Path.GetFullPath(BackupDirectory ?? Path.Combine(DataDirectoryFullPath, "backups"));

    /// <summary>Returns the first problem as one sentence, or null when the options can be used.</summary>
    public string? Validate()
    {
        if (string.IsNullOrWhiteSpace(DataDirectory))
            return "The data folder (--data) must not be empty.";
        foreach (var url in Urls.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
                return $"'{url}' is not a listen address; use a form like http://127.0.0.1:5000 or http://0.0.0.0:80.";
        }
        if (TokenLifetime <= TimeSpan.Zero || TokenLifetime > TimeSpan.FromDays(14))
            return "The token lifetime must be between one minute and 14 days.";
        if (IdleSignoutMinutes < 0)
            return "The idle sign-out must be 0 (off) or a number of minutes.";
        if (BackupsKept < 1)
            return "At least one backup must be kept (--backups-kept).";
        if (NightlyBackupHour is < -1 or > 23)
            return "The nightly backup hour (--backup-hour) is 0 to 23, or -1 for no nightly backup.";
        if (PythonPath is not null && !File.Exists(PythonPath))
            return $"The Python interpreter '{PythonPath}' given with --python does not exist.";
        if (NanochatDirectory is not null && !Directory.Exists(NanochatDirectory))
            return $"The nanochat checkout '{NanochatDirectory}' given with --nanochat does not exist.";
        return Kernels.Validate();
    }
}
