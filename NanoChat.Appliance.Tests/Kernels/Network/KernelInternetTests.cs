using System.Net;
using System.Net.Http.Json;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Kernels.Network;

/// <summary>
/// Outbound downloads, the instructor's choice per class: off by default (a kernel has no route
/// anywhere); on, a cell downloads from another host through the appliance's egress proxy, which
/// still never lets it reach this box: not the appliance, not loopback, not the box's own addresses,
/// not link-local, not other ports. The other host is a real network namespace (<see cref="RemoteHost"/>).
/// </summary>
[Collection(PythonKernelCollection.Name)]
public sealed class KernelInternetTests
{
    private static string Probe(RemoteHost remote, int appliancePort) => $$"""
        import http.client, os, socket, urllib.error, urllib.request
        def direct():
            try:
                socket.create_connection(('{{remote.Address}}', 80), timeout=3).close()
                return 'connected'
            except OSError as error:
                return type(error).__name__
        print('proxy' if 'HTTP_PROXY' in os.environ else 'no proxy', direct())
        if 'HTTP_PROXY' in os.environ:
            print(urllib.request.urlopen('http://{{remote.Address}}/hello.txt', timeout=10).read().decode())
            # Ask the proxy itself for this box's addresses (NO_PROXY would send them straight to the kernel's own loopback).
            os.environ['NO_PROXY'] = os.environ['no_proxy'] = ''
            opener = urllib.request.build_opener(urllib.request.ProxyHandler({'http': os.environ['HTTP_PROXY']}))
            def via_proxy(url):
                try:
                    return str(opener.open(url, timeout=10).status)
                except urllib.error.HTTPError as error:
                    return f'{error.code} {error.read().decode().strip()}'
            for url in ['http://127.0.0.1:{{appliancePort}}/healthz', 'http://localhost/', 'http://{{remote.OwnAddress}}/',
                        'http://169.254.169.254/latest/meta-data/', 'http://{{remote.Address}}:8080/']:
                print(via_proxy(url))
            tunnel = http.client.HTTPConnection('127.0.0.1', 3128, timeout=10)
            tunnel.set_tunnel('{{remote.Address}}', 80)
            tunnel.request('GET', '/hello.txt')
            print('tunnel', tunnel.getresponse().read().decode())
        """;

    [RequiresRootFact]
    public async Task Kernels_have_no_route_out_until_the_instructor_allows_downloads_and_never_reach_this_box()
    {
        using var remote = await RemoteHost.StartAsync();
        File.WriteAllText(Path.Combine(remote.Folder, "hello.txt"), "hello from elsewhere");
        await using var session = await KernelSession.StartAsync();

        var off = await session.RunAsync(Probe(remote, session.Server.Address.Port));
        Assert.True(off.Status == "ok", off.ToString());
        Assert.Equal("no proxy OSError\n", off.Stdout);

        var allowed = await session.Http.PutAsJsonAsync("/api/admin/kernel-network", new { internet = true });
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.True((bool)(await allowed.ReadJsonAsync())["internet"]!);
        // Kernels started after the change get it: the running one is restarted.
        (await session.Http.PostAsync("/api/kernel/restart", null)).EnsureSuccessStatusCode();

        var on = await session.RunAsync(Probe(remote, session.Server.Address.Port));
        Assert.True(on.Status == "ok", on.ToString());
        var lines = on.Stdout.Split('\n');
        Assert.Equal("proxy OSError", lines[0]); // still no route of its own
        Assert.Equal("hello from elsewhere", lines[1]);
        Assert.StartsWith("403 '127.0.0.1' (127.0.0.1) is a loopback address of this box", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("403 'localhost'", lines[3], StringComparison.Ordinal);
        Assert.StartsWith($"403 '{remote.OwnAddress}' ({remote.OwnAddress}) is an address of this box", lines[4], StringComparison.Ordinal);
        Assert.StartsWith("403 '169.254.169.254' (169.254.169.254) is a link-local address", lines[5], StringComparison.Ordinal);
        Assert.StartsWith("403 Port 8080 is not allowed", lines[6], StringComparison.Ordinal);
        Assert.Equal("tunnel hello from elsewhere", lines[7]);

        var status = await (await session.Http.GetAsync("/api/admin/kernel-network")).ReadJsonAsync();
        Assert.Contains("download over http and https", (string)status["detail"]!, StringComparison.Ordinal);
    }
}
