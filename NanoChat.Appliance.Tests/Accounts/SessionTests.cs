using System.Net;
using System.Net.Http.Json;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Accounts;

public sealed class SessionTests : IAsyncLifetime
{
    private ApplianceServer _server = null!;

    public async Task InitializeAsync() => _server = await ApplianceServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Logout_revokes_every_token_of_that_user()
    {
        using var first = await _server.SignUpAsync("frank");
        using var second = await _server.SignInAsync("frank");
        Assert.Equal(HttpStatusCode.OK, (await first.Http.GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await second.Http.PostAsync("/api/auth/logout", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await first.Http.GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await second.Http.GetAsync("/api/me")).StatusCode);
        using var again = await _server.SignInAsync("frank");
        Assert.Equal(HttpStatusCode.OK, (await again.Http.GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task Tokens_signed_with_another_key_or_alg_none_are_refused()
    {
        using var user = await _server.SignUpAsync("gina");
        var parts = user.Token.Split('.');
        var noneHeader = Convert.ToBase64String("""{"alg":"none","typ":"JWT"}"""u8.ToArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        using var client = _server.Client();
        client.DefaultRequestHeaders.Authorization = new("Bearer", $"{noneHeader}.{parts[1]}.");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/me")).StatusCode);
        client.DefaultRequestHeaders.Authorization = new("Bearer", $"{parts[0]}.{parts[1]}.{parts[2][..^4]}AAAA");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task Login_sets_an_HttpOnly_SameSite_Strict_cookie_that_signs_pages_in()
    {
        using var _ = await _server.SignUpAsync("hana");
        using var client = _server.Client();
        var login = await client.PostAsJsonAsync("/api/auth/login", new { username = "hana", password = "correct horse battery" });
        var cookie = login.Headers.GetValues("Set-Cookie").Single(value => value.StartsWith("nanochat_session=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", cookie, StringComparison.OrdinalIgnoreCase);

        using var page = new HttpRequestMessage(HttpMethod.Get, "/");
        page.Headers.Add("Cookie", cookie.Split(';')[0]);
        var response = await client.SendAsync(page);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("hana", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pages_redirect_to_sign_in_and_the_api_answers_401()
    {
        using var client = _server.Client();
        var page = await client.GetAsync("/projects/1");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/login?returnUrl=%2Fprojects%2F1", page.Headers.Location?.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/projects")).StatusCode);
    }

    [Fact]
    public async Task Cookie_authenticated_writes_need_the_antiforgery_token()
    {
        using var user = await _server.SignUpAsync("ivan");
        using var client = _server.Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/projects") { Content = JsonContent.Create(new { name = "forged" }) };
        request.Headers.Add("Cookie", $"nanochat_session={user.Token}");
        var forged = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Contains("security token", (string?)(await forged.ReadJsonAsync())["detail"], StringComparison.Ordinal);
        var projects = await (await user.Http.GetAsync("/api/projects")).ReadJsonAsync();
        Assert.Empty(projects.AsArray());
    }

    [Fact]
    public async Task Return_url_after_sign_in_stays_on_our_site()
    {
        Assert.Equal("/", NanoChat.Appliance.Accounts.AccountPages.SafeReturnUrl("//evil.example/x"));
        Assert.Equal("/", NanoChat.Appliance.Accounts.AccountPages.SafeReturnUrl("https://evil.example/"));
        Assert.Equal("/", NanoChat.Appliance.Accounts.AccountPages.SafeReturnUrl("/\\evil.example"));
        Assert.Equal("/projects/3", NanoChat.Appliance.Accounts.AccountPages.SafeReturnUrl("/projects/3"));
        await Task.CompletedTask;
    }
}
