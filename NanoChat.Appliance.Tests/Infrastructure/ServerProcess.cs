using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;

namespace NanoChat.Appliance.Tests.Infrastructure;

/// <summary>
/// The appliance as its own process (`dotnet NanoChat.Appliance.dll serve …`), for what an in-process
/// server cannot show: a web process killed with -9, a binary run from another folder. Waits for
/// /healthz; keeps what the process printed for failure messages.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private ServerProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
        process.OutputDataReceived += (_, line) => { lock (_log) _log.AppendLine(line.Data); };
        process.ErrorDataReceived += (_, line) => { lock (_log) _log.AppendLine(line.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri Address { get; }
    public int Pid => _process.Id;

    public string Log
    {
        get
        {
            lock (_log)
                return _log.ToString();
        }
    }

    public static async Task<ServerProcess> StartAsync(string appFolder, string data, params string[] extra)
    {
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { Path.Combine(appFolder, "NanoChat.Appliance.dll"), "serve", "--data", data, "--urls", $"http://127.0.0.1:{port}" }.Concat(extra))
            start.ArgumentList.Add(argument);
        var server = new ServerProcess(Process.Start(start)!, new Uri($"http://127.0.0.1:{port}"));
        using var http = new HttpClient { BaseAddress = server.Address };
        for (var tries = 0; ; tries++)
        {
            try
            {
                if ((await http.GetAsync("/healthz")).IsSuccessStatusCode)
                    return server;
            }
            catch (HttpRequestException) when (tries < 150)
            {
            }
            Assert.False(server._process.HasExited, $"the appliance stopped: {server.Log}");
            await Task.Delay(200);
        }
    }

    /// <summary>A bearer-token client of a new account (the first becomes the instructor).</summary>
    public async Task<HttpClient> SignUpAsync(string username, string password = "correct horse battery")
    {
        var http = new HttpClient { BaseAddress = Address };
        (await http.PostAsJsonAsync("/api/auth/register", new { username, password })).EnsureSuccessStatusCode();
        var login = await (await http.PostAsJsonAsync("/api/auth/login", new { username, password })).ReadJsonAsync();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (string)login["token"]!);
        return http;
    }

    /// <summary>kill -9: no shutdown code of ours runs.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
