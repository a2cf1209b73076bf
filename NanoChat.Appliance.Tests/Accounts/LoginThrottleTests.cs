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

    private async Task<HttpResponseMessage> LoginAsync(string username, string password, string from = "127.0.0.1")
    {
        using var client = _server.ClientFrom(from);
        return await client.PostAsJsonAsync("/api/auth/login", new { username, password });
    }

    private static int RetryAfter(HttpResponseMessage response) =>
        response.Headers.RetryAfter?.Delta is { } delta ? (int)delta.TotalSeconds : throw new Xunit.Sdk.XunitException($"{(int)response.StatusCode} without Retry-After");

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

    [Fact]
    public async Task Guesses_from_another_machine_do_not_lock_the_owner_out_at_their_usual_machine()
    {
        using var _ = await _server.SignUpAsync("olga", "the-right-password"); // signs in from 127.0.0.1
        const string classmate = "127.0.0.2", elsewhere = "127.0.0.3";
        for (var attempt = 0; attempt < LoginThrottle.MaxFailures; attempt++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync("olga", "a-guess-" + attempt, classmate)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await LoginAsync("olga", "the-right-password", classmate)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await LoginAsync("olga", "the-right-password", elsewhere)).StatusCode);

        // The owner at the machine they signed in from before gets in, more than once, and that does not
        // lift the lock for the machines that guessed.
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync("olga", "the-right-password")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync("olga", "the-right-password")).StatusCode);
        var stillLocked = await LoginAsync("olga", "another-guess", classmate);
        Assert.Equal(HttpStatusCode.TooManyRequests, stillLocked.StatusCode);
        Assert.InRange(RetryAfter(stillLocked), 1, (int)LoginThrottle.LockDuration.TotalSeconds);
    }

    [Fact]
    public async Task Guesses_from_the_owners_own_machine_are_throttled_too()
    {
        using var _ = await _server.SignUpAsync("olga", "the-right-password");
        for (var attempt = 0; attempt < LoginThrottle.MaxFailures; attempt++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync("olga", "a-guess-" + attempt)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await LoginAsync("olga", "the-right-password")).StatusCode);
        _clock.Advance(LoginThrottle.LockDuration + TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync("olga", "the-right-password")).StatusCode);
    }

    [Fact]
    public async Task Every_429_says_when_to_retry_on_the_api_and_the_sign_in_page()
    {
        for (var attempt = 0; attempt < LoginThrottle.MaxFailures; attempt++)
            await LoginAsync("ghost", "whatever-it-is");
        _clock.Advance(TimeSpan.FromSeconds(20));
        var api = await LoginAsync("ghost", "whatever-it-is");
        Assert.Equal(HttpStatusCode.TooManyRequests, api.StatusCode);
        var seconds = (int)LoginThrottle.LockDuration.TotalSeconds - 20;
        Assert.Equal(seconds, RetryAfter(api));
        Assert.Equal(seconds, (int)(await api.ReadJsonAsync())["retryAfterSeconds"]!);

        var page = await (await SignInForm.OpenAsync(_server)).SignInAsync(_server, "ghost", "whatever-it-is", returnUrl: null);
        Assert.Equal(HttpStatusCode.TooManyRequests, page.StatusCode);
        Assert.Equal(seconds, RetryAfter(page));
        Assert.Contains($"try again in {seconds} seconds", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
