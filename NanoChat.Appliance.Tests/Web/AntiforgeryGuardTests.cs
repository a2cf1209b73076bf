using System.Net;
using System.Net.Http.Json;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Web;

/// <summary>
/// An ended sign-in answers 401 on writes, even where antiforgery would run, so a page can offer
/// sign-in and keep its edits instead of being told to reload (and losing them).
/// </summary>
public sealed class AntiforgeryGuardTests : IAsyncLifetime
{
    private ApplianceServer _server = null!;

    public async Task InitializeAsync() => _server = await ApplianceServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>Signs in as a page does (the cookie) and then ends every session of the user from a script.</summary>
    private async Task<string> EndedCookieAsync(string username)
    {
        using var script = await _server.SignUpAsync(username);
        using var client = _server.Client();
        var login = await client.PostAsJsonAsync("/api/auth/login", new { username, password = "correct horse battery" });
        var cookie = login.Headers.GetValues("Set-Cookie").Single(value => value.StartsWith("nanochat_session=", StringComparison.Ordinal)).Split(';')[0];
        Assert.Equal(HttpStatusCode.NoContent, (await script.Http.PostAsync("/api/auth/logout", null)).StatusCode);
        return cookie;
    }

    [Fact]
    public async Task An_api_write_with_an_ended_session_cookie_answers_401_not_the_antiforgery_400()
    {
        var cookie = await EndedCookieAsync("vera");
        using var client = _server.Client();
        using var save = new HttpRequestMessage(HttpMethod.Put, "/api/notebooks/1") { Content = JsonContent.Create(new { revision = 1, cells = Array.Empty<object>() }) };
        save.Headers.Add("Cookie", cookie);
        save.Headers.Add("X-CSRF-TOKEN", "a token of the ended page");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(save)).StatusCode);
    }

    [Fact]
    public async Task An_htmx_form_post_with_an_ended_session_cookie_answers_401_and_sends_to_sign_in()
    {
        var cookie = await EndedCookieAsync("walt");
        using var client = _server.Client();
        using var create = new HttpRequestMessage(HttpMethod.Post, "/projects") { Content = new FormUrlEncodedContent([new("name", "lost")]) };
        create.Headers.Add("Cookie", cookie);
        create.Headers.Add("HX-Request", "true");
        var answer = await client.SendAsync(create);
        Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        Assert.StartsWith("/login?returnUrl=", answer.Headers.GetValues("HX-Redirect").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_live_cookie_still_needs_the_antiforgery_token()
    {
        using var _ = await _server.SignUpAsync("xena");
        using var client = _server.Client();
        var login = await client.PostAsJsonAsync("/api/auth/login", new { username = "xena", password = "correct horse battery" });
        var cookie = login.Headers.GetValues("Set-Cookie").Single(value => value.StartsWith("nanochat_session=", StringComparison.Ordinal)).Split(';')[0];
        using var forged = new HttpRequestMessage(HttpMethod.Post, "/projects") { Content = new FormUrlEncodedContent([new("name", "forged")]) };
        forged.Headers.Add("Cookie", cookie);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.SendAsync(forged)).StatusCode);
    }
}
