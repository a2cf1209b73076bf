using System.Net;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Web;

public sealed class SecurityHeadersTests : IAsyncLifetime
{
    private ApplianceServer _server = null!;

    public async Task InitializeAsync() => _server = await ApplianceServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("GET", "/login")]
    [InlineData("GET", "/healthz")]
    [InlineData("GET", "/assets/app.js")]
    [InlineData("GET", "/api/projects")]          // 401
    [InlineData("GET", "/no-such-page")]          // 404
    [InlineData("POST", "/api/auth/login")]       // 400, malformed
    public async Task Every_response_carries_the_security_headers_errors_included(string method, string path)
    {
        using var client = _server.Client();
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "POST" ? Json.Body("{") : null };
        var response = await client.SendAsync(request);
        var csp = string.Join(' ', response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline';", csp.Split("script-src")[1].Split(';')[0], StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("same-origin", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task No_CORS_preflight_is_granted()
    {
        using var client = _server.Client();
        using var request = new HttpRequestMessage(HttpMethod.Options, "/api/auth/login");
        request.Headers.Add("Origin", "http://evil.example");
        request.Headers.Add("Access-Control-Request-Method", "POST");
        var response = await client.SendAsync(request);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Errors_carry_no_stack_trace()
    {
        using var client = _server.Client();
        var response = await client.PostAsync("/api/auth/register", Json.Body("""{"username": [1,2,3]}"""));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Healthz_and_openapi_answer()
    {
        using var client = _server.Client();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        var openapi = await (await client.GetAsync("/openapi/v1.json")).ReadJsonAsync();
        Assert.NotNull(openapi["paths"]!["/api/auth/login"]);
        Assert.NotNull(openapi["paths"]!["/api/notebooks/{id}"]);
    }
}
