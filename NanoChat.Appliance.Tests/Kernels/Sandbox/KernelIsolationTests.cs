using System.Globalization;
using System.Net;
using System.Net.Sockets;
using NanoChat.Appliance.Kernels;
using NanoChat.Appliance.Kernels.Sandbox;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Kernels.Sandbox;

/// <summary>
/// Whose rights student code has, what it inherits and what it can reach, checked from a real cell of
/// a real sandboxed worker: never root's files, never the server's environment, never the box's
/// loopback services, sockets or the appliance itself.
/// </summary>
[Collection(PythonKernelCollection.Name)]
public sealed class KernelIsolationTests
{
    [RequiresRootFact]
    public async Task A_cell_of_a_root_appliance_runs_as_the_kernel_account_and_cannot_read_root_only_files()
    {
        var secret = Path.Combine("/var/tmp", $"nanochat-root-only-{Guid.NewGuid():N}");
        File.WriteAllText(secret, "root's secret");
        File.SetUnixFileMode(secret, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        try
        {
            await using var session = await KernelSession.StartAsync();
            var user = session.Server.Services.GetRequiredService<SandboxStatus>().User;
            Assert.NotNull(user);
            var run = await session.RunAsync($$"""
                import os, pwd
                def readable(path):
                    try:
                        open(path).read(1)
                        return 'read'
                    except PermissionError:
                        return 'denied'
                print(os.getuid(), os.getgid(), os.getgroups(), pwd.getpwuid(os.getuid()).pw_name)
                print(readable('/etc/shadow'), readable('{{secret}}'))
                status = dict(line.split(':\t') for line in open('/proc/self/status').read().splitlines() if ':\t' in line)
                print(status['CapEff'], status['CapPrm'], status['CapBnd'], status['NoNewPrivs'])
                open('mine.txt', 'w').write('ok')
                """);
            Assert.True(run.Status == "ok", run.ToString());
            var lines = run.Stdout.Split('\n');
            Assert.Equal($"{user.Uid} {user.Gid} [] {user.Name}", lines[0]);
            Assert.Equal("denied denied", lines[1]);
            Assert.Equal("0000000000000000 0000000000000000 0000000000000000 1", lines[2]);
            // What the kernel writes is the kernel account's, so the next kernel (and the student) can change it.
            var written = Path.Combine(session.Server.Options.WorkspacesDirectory, session.Student.Id.ToString(CultureInfo.InvariantCulture), "mine.txt");
            Assert.Equal(user.Uid, Posix.Status(written)!.Value.Owner);
        }
        finally
        {
            File.Delete(secret);
        }
    }

    [RequiresRootFact]
    public async Task The_kernel_account_runs_the_appliances_venv_even_when_a_umask_made_it_root_only()
    {
        var data = TempFolders.Create("root-only-venv");
        try
        {
            await using (var first = await KernelSession.StartAsync(options => { options.PythonPath = null; options.DataDirectory = data; }))
            {
                first.Server.KeepData = true;
                Assert.Equal("ok", (await first.RunAsync("import numpy")).Status);
            }
            // As a systemd service with UMask=0077 would have made it: nothing for other accounts.
            var venv = Path.Combine(data, "python");
            foreach (var path in Directory.EnumerateFileSystemEntries(venv, "*", SearchOption.AllDirectories).Append(venv))
            {
                if (Posix.Describe(path) is { IsLink: false })
                    File.SetUnixFileMode(path, File.GetUnixFileMode(path) & (UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
            }
            await using var second = await KernelSession.StartAsync(options => { options.PythonPath = null; options.DataDirectory = data; }, username: "amy");
            var run = await second.RunAsync("import sys, numpy; print(sys.prefix)");
            Assert.True(run.Status == "ok", run.ToString());
            Assert.Equal(venv + "\n", run.Stdout);
        }
        finally
        {
            TempFolders.Delete(data);
        }
    }

    [Fact]
    public async Task A_variable_of_the_servers_environment_never_reaches_a_cell()
    {
        const string name = "NANOCHAT_TEST_SMTP_PASSWORD";
        Environment.SetEnvironmentVariable(name, "hunter2-secret");
        Environment.SetEnvironmentVariable("LC_TIME", "C.UTF-8");
        try
        {
            await using var session = await KernelSession.StartAsync();
            var run = await session.RunAsync("import os\nprint('\\n'.join(f'{k}={v}' for k, v in sorted(os.environ.items())))");
            Assert.True(run.Status == "ok", run.ToString());
            var variables = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split('=', 2)).ToDictionary(pair => pair[0], pair => pair[1]);
            Assert.DoesNotContain("hunter2-secret", run.Stdout, StringComparison.Ordinal);
            Assert.False(variables.ContainsKey(name));
            Assert.Equal("C.UTF-8", variables["LC_TIME"]); // the locale is allowed through
            Assert.Equal(session.Server.Options.WorkspacesDirectory + "/" + session.Student.Id, variables["HOME"]);
            Assert.Equal("/usr/bin:" + KernelEnvironment.SystemPath, variables["PATH"]);
            // Everything else is on the allowlist or set by the appliance (Python adds PWD and the inline backend MPLBACKEND).
            var appliance = new[] { "HOME", "PATH", "USER", "LOGNAME", "PWD", "MPLBACKEND", "DOTNET_gcServer", "DOTNET_TieredPGO", "NANOCHAT_BASE_DIR" };
            Assert.All(variables.Keys, key => Assert.True(KernelEnvironment.IsCopied(key) || appliance.Contains(key), $"unexpected variable {key}"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
            Environment.SetEnvironmentVariable("LC_TIME", null);
        }
    }

    [Fact]
    public async Task A_cell_reaches_neither_the_appliance_nor_another_loopback_service_nor_a_host_socket()
    {
        await using var session = await KernelSession.StartAsync();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var otherPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        var abstractName = $"nanochat-test-{Guid.NewGuid():N}";
        using var abstractSocket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        abstractSocket.Bind(new UnixDomainSocketEndPoint("\0" + abstractName));
        abstractSocket.Listen(1);
        var runSocketPath = $"/run/nanochat-test-{Guid.NewGuid():N}.sock";
        using var runSocket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        runSocket.Bind(new UnixDomainSocketEndPoint(runSocketPath));
        runSocket.Listen(1);
        try
        {
            var run = await session.RunAsync($$"""
                import socket
                def tcp(port):
                    try:
                        socket.create_connection(('127.0.0.1', port), timeout=2).close()
                        return 'connected'
                    except OSError as error:
                        return type(error).__name__
                def unix(address):
                    s = socket.socket(socket.AF_UNIX)
                    try:
                        s.connect(address)
                        return 'connected'
                    except OSError as error:
                        return type(error).__name__
                    finally:
                        s.close()
                print(tcp({{session.Server.Address.Port}}), tcp({{otherPort}}))
                print(unix('\0{{abstractName}}'), unix('{{runSocketPath}}'))
                print(sorted(name for _, name in socket.if_nameindex()))
                """);
            Assert.True(run.Status == "ok", run.ToString());
            Assert.Equal("ConnectionRefusedError ConnectionRefusedError\nConnectionRefusedError FileNotFoundError\n['lo']\n", run.Stdout);
        }
        finally
        {
            File.Delete(runSocketPath);
        }
    }
}
