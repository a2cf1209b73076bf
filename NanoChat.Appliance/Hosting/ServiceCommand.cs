using System.Diagnostics;

namespace NanoChat.Appliance.Hosting;

/// <summary>
/// `install-service [--data DIR] [--urls URL] [--user NAME] [--python PATH] [--nanochat DIR] [--dry-run]`
/// and `uninstall-service`: run the appliance under systemd (<see cref="SystemdUnit"/> explains the
/// unit). Installing creates the system user when missing, gives it the data folder, writes the unit,
/// reloads systemd, enables and starts the service. `--dry-run` only prints the unit. Uninstalling
/// stops and removes the unit but keeps the user and the data folder.
/// </summary>
public static class ServiceCommand
{
    public static int Install(string[] args) => Install(args, Console.Out);

    public static int Install(string[] args, TextWriter output)
    {
        var shape = new CommandShape("install-service", "Runs the appliance under systemd.", "data", "urls", "python", "nanochat");
        var userOption = shape.Option<string>("user", $"the service's system account (default {SystemdUnit.DefaultUser})");
        var dryRunOption = shape.Option<bool>("dry-run", "only print the unit");
        var parsed = shape.Parse(args);
        var dryRun = parsed.Value(dryRunOption);
        var options = parsed.Options(new ApplianceOptions { DataDirectory = SystemdUnit.DefaultDataDirectory, Urls = "http://0.0.0.0:80" });
        if (options.Validate() is { } problem)
            return CommandLine.Fail(problem);
        var user = parsed.Value(userOption) ?? SystemdUnit.DefaultUser;
        if (Accounts.CredentialRules.CheckUsername(user) is not null || user.Contains('.'))
            return CommandLine.Fail($"'{user}' is not a usable system user name; use letters, digits, '-' and '_'.");

        if (options.DataDirectoryFullPath.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'' or '\\'))
            return CommandLine.Fail($"The data folder '{options.DataDirectoryFullPath}' holds a space or a quote, which a systemd unit cannot name; choose a plain path such as {SystemdUnit.DefaultDataDirectory}.");
        var execStart = SystemdUnit.ThisBinary();
        execStart.AddRange(["serve", "--data", options.DataDirectoryFullPath, "--urls", options.Urls]);
        if (options.PythonPath is { } python)
            execStart.AddRange(["--python", Path.GetFullPath(python)]);
        if (options.NanochatDirectory is { } nanochat)
            execStart.AddRange(["--nanochat", Path.GetFullPath(nanochat)]);
        var lowPort = options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries).Any(url => new Uri(url).Port < 1024);
        var unit = SystemdUnit.Render(new SystemdUnit.Settings(execStart, user, options.DataDirectoryFullPath, SystemdUnit.BubblewrapIsSetuid(), lowPort));
        if (dryRun)
        {
            output.Write(unit);
            return 0;
        }

        if (!OperatingSystem.IsLinux())
            return CommandLine.Fail("install-service needs Linux with systemd.");
        if (Environment.UserName != "root")
            return CommandLine.Fail("install-service changes /etc/systemd and creates a system user: run it with sudo (or add --dry-run to see the unit).");
        if (user != "root" && execStart.Any(word => word.StartsWith("/root/", StringComparison.Ordinal)))
            output.WriteLine($"Warning: the binary lives under /root, which the '{user}' user cannot read; copy the appliance to /opt/nanochat first.");
        try
        {
            if (user == "root")
            {
                // The service's /etc is read-only (ProtectSystem=strict): the kernels' account is made now.
                var (kernelUser, kernelProblem) = Kernels.Sandbox.KernelUser.Resolve(Kernels.Sandbox.KernelUser.DefaultName);
                if (kernelUser is null)
                    throw new InvalidOperationException(kernelProblem ?? "The kernels' account could not be made.");
                output.WriteLine($"Students' kernels will run as the unprivileged account '{kernelUser.Name}' (uid {kernelUser.Uid}).");
            }
            else
            {
                output.WriteLine($"Note: as '{user}', the service runs students' kernels with its own account's rights (inside the sandbox); install as root, the default, to give them the unprivileged account {Kernels.Sandbox.KernelUser.DefaultName}.");
            }
            if (user != "root" && Run("getent", "passwd", user) != 0)
            {
                Check(Run("useradd", "--system", "--user-group", "--home-dir", options.DataDirectoryFullPath, "--no-create-home", "--shell", "/usr/sbin/nologin", user), $"useradd {user}");
                output.WriteLine($"Created the system user '{user}'.");
            }
            Directory.CreateDirectory(options.DataDirectoryFullPath);
            Check(Run("chown", "-R", $"{user}:{user}", options.DataDirectoryFullPath), "chown of the data folder");
            File.SetUnixFileMode(options.DataDirectoryFullPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.WriteAllText(SystemdUnit.DefaultUnitPath, unit);
            File.SetUnixFileMode(SystemdUnit.DefaultUnitPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            Check(Run("systemctl", "daemon-reload"), "systemctl daemon-reload");
            Check(Run("systemctl", "enable", "--now", SystemdUnit.ServiceName), $"systemctl enable --now {SystemdUnit.ServiceName}");
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return CommandLine.Fail($"install-service failed: {error.Message}");
        }
        output.WriteLine($"Installed and started {SystemdUnit.ServiceName} ({SystemdUnit.DefaultUnitPath}) as '{user}', data in {options.DataDirectoryFullPath}, listening on {options.Urls}.");
        output.WriteLine($"Follow it with: journalctl -u {SystemdUnit.ServiceName} -f");
        return 0;
    }

    public static int Uninstall(string[] args)
    {
        if (args.Length > 0)
            return CommandLine.Fail("'uninstall-service' takes no options.");
        if (Environment.UserName != "root")
            return CommandLine.Fail("uninstall-service changes /etc/systemd: run it with sudo.");
        if (!File.Exists(SystemdUnit.DefaultUnitPath))
            return CommandLine.Fail($"There is no {SystemdUnit.DefaultUnitPath}; nothing to uninstall.");
        try
        {
            Run("systemctl", "disable", "--now", SystemdUnit.ServiceName);
            File.Delete(SystemdUnit.DefaultUnitPath);
            Check(Run("systemctl", "daemon-reload"), "systemctl daemon-reload");
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return CommandLine.Fail($"uninstall-service failed: {error.Message}");
        }
        Console.WriteLine($"Stopped and removed {SystemdUnit.ServiceName}. The system user and the data folder were kept; back the folder up before deleting it.");
        return 0;
    }

    private static int Run(string program, params string[] arguments)
    {
        // getent's answer (the user's passwd line) is not for the instructor's screen.
        var start = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = program == "getent" };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} could not be started.");
        if (start.RedirectStandardOutput)
            process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode;
    }

    private static void Check(int exitCode, string what)
    {
        if (exitCode != 0)
            throw new InvalidOperationException($"{what} exited with code {exitCode}.");
    }
}
