using System.Diagnostics;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Hosting;

/// <summary>The binary's command line, run as a real process: clear sentences and exit codes.</summary>
public sealed class CommandLineTests
{
    internal static Task<(int Code, string Output, string Error)> RunAsync(string stdin, params string[] args) =>
        RunAsync(new Dictionary<string, string>(), stdin, args);

    internal static async Task<(int Code, string Output, string Error)> RunAsync(Dictionary<string, string> environment, string stdin, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = TempFolders.Create("cwd"),
        };
        foreach (var (name, value) in environment)
            info.Environment[name] = value;
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "NanoChat.Appliance.dll"));
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    [Theory]
    [InlineData("Unknown option '--bogus' for 'serve'.", "serve", "--bogus")]
    [InlineData("Unknown option '--bogus' for 'backup'.", "backup", "--bogus", "x.tar.gz")]
    [InlineData("Required argument missing for option: '--data'.", "serve", "--data")]
    [InlineData("--kernel-memory-mb = 'lots' is not a number.", "serve", "--kernel-memory-mb", "lots")]
    [InlineData("--backups-kept = '2.5' is not a whole number.", "serve", "--backups-kept=2.5")]
    [InlineData("is not a listen address", "serve", "--urls", "ftp://x")]
    [InlineData("does not exist", "serve", "--python", "/no/such/python")]
    [InlineData("Unknown command 'frobnicate'.", "frobnicate")]
    [InlineData("The role 'wizard' is unknown", "user", "add", "zed", "--role", "wizard")]
    public async Task Bad_command_lines_stop_with_one_sentence_and_exit_code_2(string expected, params string[] args)
    {
        var (code, _, error) = await RunAsync("", args);
        Assert.Equal(2, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_binary_reads_settings_from_its_data_folders_appsettings_json_and_the_environment()
    {
        var data = TempFolders.Create("data");
        await File.WriteAllTextAsync(Path.Combine(data, "appsettings.json"), """{ "backups-kept": 0 }""");
        var (code, _, error) = await RunAsync("", "serve", "--data", data, "--urls", "http://127.0.0.1:0");
        Assert.Equal(2, code);
        Assert.Contains("At least one backup must be kept", error, StringComparison.Ordinal); // the file's value reached the options

        (code, _, error) = await RunAsync(new Dictionary<string, string> { ["NANOCHAT_KERNEL_MEMORY_MB"] = "lots", ["NANOCHAT_DATA"] = data }, "", "serve", "--backups-kept", "2");
        Assert.Equal(2, code);
        Assert.Contains("NANOCHAT_KERNEL_MEMORY_MB = 'lots' is not a number.", error, StringComparison.Ordinal);
        Assert.DoesNotContain("backups-kept", error, StringComparison.Ordinal); // the flag won over the file
    }

    [Fact]
    public async Task An_unusable_data_folder_stops_start_up()
    {
        var file = Path.Combine(TempFolders.Create("blocker"), "not-a-folder");
        await File.WriteAllTextAsync(file, "x");
        var (code, _, error) = await RunAsync("", "serve", "--data", file, "--urls", "http://127.0.0.1:0");
        Assert.Equal(2, code);
        Assert.Contains("is a file", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task User_add_reads_the_password_from_stdin_and_backup_copies_a_checked_database()
    {
        var data = TempFolders.Create("data");
        var (code, output, error) = await RunAsync("a-long-password\n", "user", "add", "prof", "--role", "instructor", "--data", data);
        Assert.True(code == 0, error);
        Assert.Contains("Created instructor 'prof'", output, StringComparison.Ordinal);

        var backupFile = Path.Combine(TempFolders.Create("backup"), "nightly.tar.gz");
        (code, output, error) = await RunAsync("", "backup", backupFile, "--data", data);
        Assert.True(code == 0, error);
        Assert.True(File.Exists(backupFile));

        // The backup restores into an empty folder and is a working appliance: the instructor signs in from it.
        var restored = Path.Combine(TempFolders.Create("restored"), "data");
        Directory.CreateDirectory(restored);
        (code, _, error) = await RunAsync("", "restore", backupFile, "--data", restored);
        Assert.True(code == 0, error);
        Assert.Equal("ok", NanoChat.Appliance.Storage.Backup.IntegrityCheck(Path.Combine(restored, "appliance.db")));
        await using var server = await ApplianceServer.StartAsync(restored);
        using var prof = await server.SignInAsync("prof", "a-long-password");
        Assert.Equal("instructor", prof.Role);

        (code, _, error) = await RunAsync("", "backup", backupFile, "--data", data);
        Assert.Equal(2, code);
        Assert.Contains("already exists", error, StringComparison.Ordinal);
    }
}
