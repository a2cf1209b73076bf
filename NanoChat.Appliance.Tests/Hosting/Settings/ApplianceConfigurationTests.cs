using System.Collections;
using NanoChat.Appliance.Hosting;
using NanoChat.Appliance.Hosting.Settings;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Hosting.Settings;

/// <summary>
/// The settings' layers on real files: appsettings.json beside the binary and in the data folder,
/// the environment, the flags; later wins, and every bad value is one sentence naming its source.
/// </summary>
public sealed class ApplianceConfigurationTests
{
    private readonly string _binary = TempFolders.Create("binary");
    private readonly string _data = TempFolders.Create("data");

    private ApplianceOptions Load(Dictionary<string, string>? flags = null, Hashtable? environment = null)
    {
        flags ??= [];
        flags.TryAdd("data", _data);
        return ApplianceConfiguration.Load(new ApplianceOptions(), flags, environment ?? [], _binary);
    }

    private static string Problems(Action load) => Assert.Throws<CommandLineException>(load).Message;

    [Fact]
    public void A_flag_sets_a_setting()
    {
        var options = Load(new() { ["kernel-memory-mb"] = "512", ["urls"] = "http://0.0.0.0:8080" });
        Assert.Equal(512L * 1024 * 1024, options.Kernels.MemoryLimitBytes);
        Assert.Equal("http://0.0.0.0:8080", options.Urls);
    }

    [Fact]
    public void The_environment_sets_a_setting_and_the_documented_older_name_still_works()
    {
        var nanochat = TempFolders.Create("nanochat");
        var options = Load(environment: new() { ["NANOCHAT_KERNEL_PIDS"] = "64", ["NANOCHAT_DIR"] = nanochat, ["NANOCHAT_IDLE_SIGNOUT_MINUTES"] = "7.5" });
        Assert.Equal(64, options.Kernels.PidsLimit);
        Assert.Equal(nanochat, options.NanochatDirectory);
        Assert.Equal(7.5, options.IdleSignoutMinutes);
    }

    [Fact]
    public void Appsettings_json_beside_the_binary_and_in_the_data_folder_set_settings()
    {
        File.WriteAllText(Path.Combine(_binary, "appsettings.json"), """{ "backups-kept": 3, "kernel-cpus": 2, "Logging": { "LogLevel": { "Default": "Warning" } } }""");
        File.WriteAllText(Path.Combine(_data, "appsettings.json"), """{ "kernel-cpus": 1.5, "kernel-user": "classkernel" }""");
        var options = Load();
        Assert.Equal(3, options.BackupsKept);
        Assert.Equal(1.5, options.Kernels.CpuCores); // the data folder's file wins over the binary's
        Assert.Equal("classkernel", options.Kernels.KernelUserName);
    }

    [Fact]
    public void Later_layers_win_flag_over_environment_over_files()
    {
        File.WriteAllText(Path.Combine(_data, "appsettings.json"), """{ "backups-kept": 2, "backup-hour": 4, "kernel-idle-minutes": 10 }""");
        var options = Load(new() { ["backups-kept"] = "9" }, new() { ["NANOCHAT_BACKUPS_KEPT"] = "5", ["NANOCHAT_BACKUP_HOUR"] = "6" });
        Assert.Equal(9, options.BackupsKept);
        Assert.Equal(6, options.NightlyBackupHour);
        Assert.Equal(10, options.Kernels.IdleCullMinutes);
    }

    [Fact]
    public void The_data_folder_named_in_the_environment_is_where_its_appsettings_json_is_read()
    {
        File.WriteAllText(Path.Combine(_data, "appsettings.json"), """{ "backups-kept": 4 }""");
        var options = ApplianceConfiguration.Load(new ApplianceOptions(), new Dictionary<string, string>(), new Hashtable { ["NANOCHAT_DATA"] = _data }, _binary);
        Assert.Equal(4, options.BackupsKept);
        Assert.Equal(_data, options.DataDirectory);
    }

    [Fact]
    public void Every_bad_value_is_one_sentence_naming_where_it_came_from()
    {
        var file = Path.Combine(_data, "appsettings.json");
        File.WriteAllText(file, """{ "kernel-pids": "many", "kernel-memmory-mb": 100 }""");
        var message = Problems(() => Load(new() { ["backup-hour"] = "noon" }, new() { ["NANOCHAT_KERNEL_GPU_FRACTION"] = "half" }));
        var lines = message.Split(Environment.NewLine);
        Assert.Equal(4, lines.Length);
        Assert.Contains($"'kernel-pids' in {file} = 'many' is not a number.", lines);
        Assert.Contains($"'kernel-memmory-mb' in {file} is not a setting; 'NanoChat.Appliance help' lists them.", lines);
        Assert.Contains("--backup-hour = 'noon' is not a whole number.", lines);
        Assert.Contains("NANOCHAT_KERNEL_GPU_FRACTION = 'half' is not a number.", lines);
    }

    [Fact]
    public void A_file_that_is_not_json_is_named_and_nothing_is_half_read()
    {
        File.WriteAllText(Path.Combine(_data, "appsettings.json"), """{ "backups-kept": 3, """);
        var message = Problems(() => Load());
        Assert.Contains("appsettings.json", message, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_data_folder_cannot_be_moved_from_its_own_file()
    {
        File.WriteAllText(Path.Combine(_data, "appsettings.json"), """{ "data": "/elsewhere" }""");
        Assert.Contains("cannot move the data folder from inside it", Problems(() => Load()), StringComparison.Ordinal);
    }

    [Fact]
    public void Help_lists_every_setting_with_its_variable()
    {
        foreach (var setting in SettingsCatalog.All)
        {
            Assert.Contains($"--{setting.Name} ", CommandLine.Usage, StringComparison.Ordinal);
            Assert.Contains(setting.EnvironmentAlias ?? setting.EnvironmentName, CommandLine.Usage, StringComparison.Ordinal);
        }
    }
}
