using System.Diagnostics;
using NanoChat.Appliance.Hosting;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Hosting;

/// <summary>The systemd unit of `install-service`, checked by systemd's own `systemd-analyze verify`.</summary>
public sealed class ServiceCommandTests
{
    private const string SystemdAnalyze = "/usr/bin/systemd-analyze";

    private static (int ExitCode, string Output) Verify(string unitText)
    {
        var folder = TempFolders.Create("unit");
        var path = Path.Combine(folder, SystemdUnit.ServiceName);
        File.WriteAllText(path, unitText);
        var start = new ProcessStartInfo(SystemdAnalyze) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("verify");
        start.ArgumentList.Add(path);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        TempFolders.Delete(folder);
        return (process.ExitCode, output);
    }


    [Theory]
    [InlineData(false, false, "nanochat")]
    [InlineData(true, true, "nanochat")]
    [InlineData(false, true, "nanochat")]
    [InlineData(false, false, "root")]
    public void The_unit_passes_systemd_analyze_verify(bool bubblewrapIsSetuid, bool lowPort, string user)
    {
        Assert.True(File.Exists(SystemdAnalyze), "systemd-analyze is needed for this test (apt-get install systemd).");
        var binary = Environment.ProcessPath!; // a real executable: verify checks that ExecStart exists
        var unit = SystemdUnit.Render(new SystemdUnit.Settings(
            [binary, Path.Combine(AppContext.BaseDirectory, "NanoChat.Appliance.dll"), "serve", "--data", "/var/lib/nanochat", "--urls", "http://0.0.0.0:80", "--nanochat", "/opt/my checkout"],
            user, "/var/lib/nanochat", bubblewrapIsSetuid, lowPort));
        var (exitCode, output) = Verify(unit);
        Assert.True(exitCode == 0, output);
        // verify exits 0 on unknown keys too; it must not have complained about our file at all.
        Assert.DoesNotContain(SystemdUnit.ServiceName, output, StringComparison.Ordinal);
        var lines = unit.Split('\n');
        // The single-file binary must find a writable folder to unpack into although $HOME is read-only.
        Assert.Contains("Environment=DOTNET_BUNDLE_EXTRACT_BASE_DIR=%C/nanochat-appliance", lines);
        if (user == "root")
        {
            // Root's bwrap needs its capabilities: a bounding set or no_new_privs would break the sandbox (seen under systemd).
            Assert.DoesNotContain(lines, line => line.StartsWith("NoNewPrivileges=", StringComparison.Ordinal) || line.StartsWith("CapabilityBoundingSet=", StringComparison.Ordinal));
            return;
        }
        Assert.Equal(bubblewrapIsSetuid ? "NoNewPrivileges=no" : "NoNewPrivileges=yes", lines.Single(line => line.StartsWith("NoNewPrivileges=", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_broken_unit_is_caught_by_the_same_check()
    {
        var unit = SystemdUnit.Render(new SystemdUnit.Settings(["/nonexistent/NanoChat.Appliance", "serve"], "nanochat", "/var/lib/nanochat", false, false));
        var (exitCode, output) = Verify(unit);
        Assert.NotEqual(0, exitCode);
        Assert.Contains("/nonexistent/NanoChat.Appliance", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Dry_run_prints_a_unit_with_the_required_settings()
    {
        using var output = new StringWriter();
        var data = TempFolders.Create("service-data");
        Assert.Equal(0, ServiceCommand.Install(["--dry-run", "--data", data, "--urls", "http://0.0.0.0:8080", "--user", "classbox"], output));
        var unit = output.ToString();
        var lines = unit.Split('\n').Select(line => line.Trim()).ToList();
        foreach (var expected in new[] { "Type=notify", "User=classbox", "Group=classbox", "Restart=on-failure", "Delegate=yes", "ProtectSystem=strict", $"ReadWritePaths={data}", "WantedBy=multi-user.target" })
            Assert.Contains(expected, lines);
        var execStart = lines.Single(line => line.StartsWith("ExecStart=", StringComparison.Ordinal));
        Assert.Contains($"serve --data {data} --urls http://0.0.0.0:8080", execStart, StringComparison.Ordinal);
        Assert.DoesNotContain(lines, line => line.StartsWith("RestrictNamespaces", StringComparison.Ordinal) || line.StartsWith("ProtectControlGroups", StringComparison.Ordinal) || line.StartsWith("PrivateDevices", StringComparison.Ordinal)
            || line.StartsWith("ProtectKernelTunables", StringComparison.Ordinal) || line.StartsWith("ProtectKernelLogs", StringComparison.Ordinal) || line.StartsWith("ProtectProc", StringComparison.Ordinal));
        Assert.DoesNotContain("AmbientCapabilities", unit, StringComparison.Ordinal);
        Assert.False(File.Exists(SystemdUnit.DefaultUnitPath) && File.ReadAllText(SystemdUnit.DefaultUnitPath) == unit, "a dry run must not write the unit");
        var (exitCode, verifyOutput) = Verify(unit);
        Assert.True(exitCode == 0, verifyOutput);
        Assert.DoesNotContain(SystemdUnit.ServiceName, verifyOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void Words_with_spaces_percent_or_dollar_are_quoted_for_systemd()
    {
        Assert.Equal("/opt/nanochat/app", SystemdUnit.Quote("/opt/nanochat/app"));
        Assert.Equal("\"/srv/my class\"", SystemdUnit.Quote("/srv/my class"));
        Assert.Equal("100%%", SystemdUnit.Quote("100%"));
        Assert.Equal("$$HOME", SystemdUnit.Quote("$HOME"));
    }

    [Fact]
    public void Bad_options_stop_with_one_sentence()
    {
        using var output = new StringWriter();
        Assert.Equal(CommandLine.UsageError, ServiceCommand.Install(["--dry-run", "--user", "bad user!"], output));
        Assert.Equal(CommandLine.UsageError, ServiceCommand.Install(["--dry-run", "--urls", "ftp://x"], output));
        Assert.Equal(CommandLine.UsageError, ServiceCommand.Install(["--dry-run", "--data", "/srv/my class"], output));
        Assert.Throws<CommandLineException>(() => ServiceCommand.Install(["--dry-run", "--wat", "1"], output));
        Assert.Throws<ArgumentException>(() => SystemdUnit.Path("relative/data"));
    }
}
