using System.Net;
using System.Net.Http.Json;
using NanoChat.Appliance.Accounts;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Accounts;

public sealed class LoginThrottleTests : IAsyncLifetime
{
    private readonly ManualClock _clock = new();
    private ApplianceServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await ApplianceServer.StartAsync(configureBuilder: builder => builder.Services.AddSingleton<TimeProvider>(_clock));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<HttpResponseMessage> LoginAsync(string username, string password)
    {
        using var client = _server.Client();
        return await client.PostAsJsonAsync("/api/auth/login", new { username, password });
    }

    [Fact]
    public async Task Repeated_failures_get_429_even_with_the_right_password_then_the_lock_clears_itself()
    {
        using var _ = await _server.SignUpAsync("olga", "the-right-password");
        for (var attempt = 0; attempt < LoginThrottle.MaxFailures; attempt++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync("olga", "wrong-password")).StatusCode);

        var locked = await LoginAsync("olga", "the-right-password");
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        Assert.True((int)(await locked.ReadJsonAsync())["retryAfterSeconds"]! > 0);

        _clock.Advance(LoginThrottle.LockDuration + TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync("olga", "the-right-password")).StatusCode);
    }

    [Fact]
    public async Task Unknown_usernames_are_throttled_the_same_way()
    {
        for (var attempt = 0; attempt < LoginThrottle.MaxFailures; attempt++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync("ghost", "whatever-it-is")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await LoginAsync("ghost", "whatever-it-is")).StatusCode);
    }
}
