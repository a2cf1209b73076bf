using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using NanoChat.Appliance.Hosting;

namespace NanoChat.Appliance.Tests.Infrastructure;

/// <summary>
/// The real web process in the test: real Kestrel on a free loopback port, a real SQLite file in a
/// fresh temporary data folder. No part of ours is replaced. Dispose stops it and deletes the folder
/// (unless <see cref="KeepData"/>, for restart tests that start a second server on the same folder).
/// </summary>
public sealed class ApplianceServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ApplianceServer(WebApplication app, ApplianceOptions options, Uri address)
    {
        _app = app;
        Options = options;
        Address = address;
    }

    public ApplianceOptions Options { get; }
    public Uri Address { get; }
    public IServiceProvider Services => _app.Services;
    public bool KeepData { get; set; }

    public static async Task<ApplianceServer> StartAsync(string? dataDirectory = null, Action<ApplianceOptions>? configure = null, Action<WebApplicationBuilder>? configureBuilder = null)
    {
        var options = new ApplianceOptions
        {
            DataDirectory = dataDirectory ?? TempFolders.Create("data"),
            Urls = "http://127.0.0.1:0",
        };
        configure?.Invoke(options);
        Assert.Null(options.Validate());
        Assert.Null(DataDirectory.Prepare(options));
        var app = Program.BuildWebApp(options, builder =>
        {
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            configureBuilder?.Invoke(builder);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ApplianceServer(app, options, new Uri(address));
    }

    /// <summary>A client with no cookies and no token: an anonymous script.</summary>
    public HttpClient Client() => new(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = Address };

    /// <summary>Registers (first user becomes instructor) and signs in; returns a bearer-token client.</summary>
    public async Task<SignedInClient> SignUpAsync(string username, string password = "correct horse battery")
    {
        using var anonymous = Client();
        var register = await anonymous.PostAsJsonAsync("/api/auth/register", new { username, password });
        Assert.True(register.IsSuccessStatusCode, $"register {username}: {(int)register.StatusCode} {await register.Content.ReadAsStringAsync()}");
        return await SignInAsync(username, password);
    }

    public async Task<SignedInClient> SignInAsync(string username, string password = "correct horse battery")
    {
        using var anonymous = Client();
        var login = await anonymous.PostAsJsonAsync("/api/auth/login", new { username, password });
        Assert.True(login.IsSuccessStatusCode, $"login {username}: {(int)login.StatusCode} {await login.Content.ReadAsStringAsync()}");
        var answer = await login.Content.ReadFromJsonAsync<LoginAnswer>();
        var client = Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", answer!.Token);
        return new SignedInClient(client, answer.Token, answer.User.Id, answer.User.Username, answer.User.Role);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (!KeepData)
            TempFolders.Delete(Options.DataDirectory);
    }

    public sealed record LoginAnswer(string Token, UserAnswer User);
    public sealed record UserAnswer(long Id, string Username, string Role);
}

/// <summary>An HttpClient signed in with a bearer token, and who it is.</summary>
public sealed record SignedInClient(HttpClient Http, string Token, long Id, string Username, string Role) : IDisposable
{
    public void Dispose() => Http.Dispose();
}
