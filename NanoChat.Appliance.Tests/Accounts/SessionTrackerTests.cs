using System.Net;
using System.Net.Http.Json;
using NanoChat.Appliance.Accounts;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Accounts;

/// <summary>
/// The server-side session record: idle expiry decided by the server with the default 30-minute
/// limit, on a clock the test moves, against the real server and SQLite file.
/// </summary>
public sealed class SessionTrackerTests : IAsyncLifetime
{
    private readonly ManualClock _clock = new();
    private ApplianceServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await ApplianceServer.StartAsync(configureBuilder: builder => builder.Services.AddSingleton<TimeProvider>(_clock));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private SessionStore Store => _server.Services.GetRequiredService<SessionStore>();

    [Fact]
    public async Task A_session_idle_past_the_limit_is_refused_with_the_reason_and_only_that_session_ends()
    {
        using var idle = await _server.SignUpAsync("olga");
        using var busy = await _server.SignInAsync("olga"); // the same student in another browser
        Assert.Equal(HttpStatusCode.OK, (await idle.Http.GetAsync("/api/me")).StatusCode);

        _clock.Advance(TimeSpan.FromMinutes(20));
        Assert.Equal(HttpStatusCode.OK, (await busy.Http.GetAsync("/api/me")).StatusCode);
        _clock.Advance(TimeSpan.FromMinutes(11));
        var refused = await idle.Http.GetAsync("/api/me");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("signed out after 30 minutes without activity", (string?)(await refused.ReadJsonAsync())["detail"], StringComparison.Ordinal);
        // Activity after the end does not bring it back.
        Assert.Equal(HttpStatusCode.Unauthorized, (await idle.Http.GetAsync("/api/me")).StatusCode);

        // An idle end is not a sign-out everywhere: the stamp is unchanged, the other browser goes on.
        Assert.Equal(HttpStatusCode.OK, (await busy.Http.GetAsync("/api/me")).StatusCode);
        var records = Store.OfUser(idle.Id);
        Assert.Equal(2, records.Count);
        Assert.Single(records, record => record.EndReason == SessionTracker.Reasons.Idle);
        Assert.Single(records, record => record.EndReason is null);
    }

    [Fact]
    public async Task Requests_keep_a_session_open_and_last_seen_is_written_at_most_every_half_minute()
    {
        using var user = await _server.SignUpAsync("pavel");
        var signedIn = Assert.Single(Store.OfUser(user.Id)).LastSeen;

        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.OK, (await user.Http.GetAsync("/api/me")).StatusCode);
        Assert.Equal(signedIn, Assert.Single(Store.OfUser(user.Id)).LastSeen); // in memory only

        _clock.Advance(TimeSpan.FromSeconds(25));
        Assert.Equal(HttpStatusCode.OK, (await user.Http.GetAsync("/api/me")).StatusCode);
        Assert.Equal(_clock.GetUtcNow().ToUnixTimeMilliseconds(), Assert.Single(Store.OfUser(user.Id)).LastSeen.ToUnixTimeMilliseconds());

        // 20 + 20 minutes: longer than the limit in all, never longer between two requests.
        _clock.Advance(TimeSpan.FromMinutes(20));
        Assert.Equal(HttpStatusCode.OK, (await user.Http.GetAsync("/api/me")).StatusCode);
        _clock.Advance(TimeSpan.FromMinutes(20));
        Assert.Equal(HttpStatusCode.OK, (await user.Http.GetAsync("/api/me")).StatusCode);
        Assert.Null(Assert.Single(Store.OfUser(user.Id)).EndReason);
    }

    [Fact]
    public async Task Sign_out_ends_every_session_record_of_the_user()
    {
        using var first = await _server.SignUpAsync("quinn");
        using var second = await _server.SignInAsync("quinn");
        Assert.Equal(HttpStatusCode.NoContent, (await second.Http.PostAsync("/api/auth/logout", null)).StatusCode);
        Assert.All(Store.OfUser(first.Id), record => Assert.Equal(SessionTracker.Reasons.SignedOut, record.EndReason));
        Assert.Equal(2, Store.OfUser(first.Id).Count);
    }

    [Fact]
    public async Task The_page_cookie_lives_only_as_long_as_the_browser_session()
    {
        using var _ = await _server.SignUpAsync("rosa");
        using var client = _server.Client();
        var login = await client.PostAsJsonAsync("/api/auth/login", new { username = "rosa", password = "correct horse battery" });
        var cookie = login.Headers.GetValues("Set-Cookie").Single(value => value.StartsWith("nanochat_session=", StringComparison.Ordinal));
        Assert.DoesNotContain("expires=", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("max-age=", cookie, StringComparison.OrdinalIgnoreCase);
    }
}
