using System.Diagnostics;
using System.Globalization;

namespace NanoChat.Appliance.Tests.Infrastructure;

/// <summary>
/// Another host for tests of what crosses a network: a Linux network namespace joined to this box by
/// a veth pair (this box 10.213.N.1, the other host 10.213.N.2), serving a folder over HTTP on port 80
/// with Python's http.server. "The internet" as far as the appliance can tell: not an address of this
/// box. Needs root and iproute2; removed on dispose (deleting the namespace removes both veth ends).
/// </summary>
public sealed class RemoteHost : IDisposable
{
    private readonly string _namespace;
    private readonly Process _server;

    private RemoteHost(string name, string address, string ownAddress, string folder, Process server)
    {
        _namespace = name;
        Address = address;
        OwnAddress = ownAddress;
        Folder = folder;
        _server = server;
    }

    /// <summary>The other host's address.</summary>
    public string Address { get; }

    /// <summary>This box's address on the link to it (an address of this box, like its LAN address).</summary>
    public string OwnAddress { get; }

    /// <summary>The folder the other host serves.</summary>
    public string Folder { get; }

    public static async Task<RemoteHost> StartAsync()
    {
        var id = Guid.NewGuid().ToString("N")[..6];
        var subnet = Random.Shared.Next(1, 250).ToString(CultureInfo.InvariantCulture);
        var (name, here, there) = ($"nct-{id}", $"vh{id}", $"vn{id}");
        var (ownAddress, address) = ($"10.213.{subnet}.1", $"10.213.{subnet}.2");
        Run("ip", "netns", "add", name);
        try
        {
            Run("ip", "link", "add", here, "type", "veth", "peer", "name", there);
            Run("ip", "link", "set", there, "netns", name);
            Run("ip", "addr", "add", $"{ownAddress}/30", "dev", here);
            Run("ip", "link", "set", here, "up");
            Run("ip", "netns", "exec", name, "ip", "addr", "add", $"{address}/30", "dev", there);
            Run("ip", "netns", "exec", name, "ip", "link", "set", there, "up");
            Run("ip", "netns", "exec", name, "ip", "link", "set", "lo", "up");
        }
        catch
        {
            Run("ip", "netns", "del", name);
            throw;
        }
        var folder = TempFolders.Create("remote-host");
        var start = new ProcessStartInfo("ip", ["netns", "exec", name, "/usr/bin/python3", "-m", "http.server", "80", "--bind", address, "--directory", folder])
        { RedirectStandardError = true, RedirectStandardOutput = true };
        var server = Process.Start(start)!;
        server.BeginErrorReadLine();
        server.BeginOutputReadLine();
        var host = new RemoteHost(name, address, ownAddress, folder, server);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var tries = 0; ; tries++)
        {
            try
            {
                await http.GetAsync($"http://{address}/");
                return host;
            }
            catch (Exception) when (tries < 50 && !server.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }

    private static void Run(string file, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)}: {errors.Trim()}");
    }

    public void Dispose()
    {
        try
        {
            _server.Kill(entireProcessTree: true);
            _server.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
        }
        _server.Dispose();
        Run("ip", "netns", "del", _namespace);
        TempFolders.Delete(Folder);
    }
}
