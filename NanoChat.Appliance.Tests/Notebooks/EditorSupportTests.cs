using System.Net;
using System.Net.Http.Json;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Notebooks;

/// <summary>The editor's server routes over plain HTTP: markdown rendering and the output frame's headers.</summary>
public sealed class EditorSupportTests
{
    [Fact]
    public async Task Markdown_is_rendered_sanitized_in_order_and_only_for_signed_in_users()
    {
        await using var server = await ApplianceServer.StartAsync();
        using var anonymous = server.Client();
        var refused = await anonymous.PostAsJsonAsync("/api/markdown", new { sources = new[] { "# hi" } });
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        using var user = await server.SignUpAsync("mia");
        var answer = await user.Http.PostAsJsonAsync("/api/markdown", new
        {
            sources = new[] { "# Title", "$x^2$ <script>alert(1)</script>", "[x](javascript:alert(1)) <img src=x onerror=alert(1)>", "$$\na+b\n$$" },
        });
        var html = (await answer.ReadJsonAsync())["html"]!.AsArray().Select(node => (string)node!).ToArray();
        Assert.Equal(4, html.Length);
        Assert.Contains("<h1", html[0]);
        Assert.DoesNotContain("<script", html[1]);
        Assert.DoesNotContain("alert", html[1]);
        Assert.Contains("<span class=\"math\">", html[1]);
        Assert.DoesNotContain("javascript:", html[2]);
        Assert.DoesNotContain("onerror", html[2]);
        Assert.Contains("<div class=\"math\">", html[3]);
    }

    [Fact]
    public async Task Output_frame_has_its_own_policy_no_network_and_framing_by_this_origin_only()
    {
        await using var server = await ApplianceServer.StartAsync();
        using var anonymous = server.Client();
        var frame = await anonymous.GetAsync("/output-frame");
        Assert.Equal(HttpStatusCode.OK, frame.StatusCode);
        var policy = string.Join(";", frame.Headers.GetValues("Content-Security-Policy"));
        Assert.StartsWith("default-src 'none'", policy);
        Assert.Contains("frame-ancestors 'self'", policy);
        Assert.DoesNotContain("connect-src", policy);
        Assert.Equal("SAMEORIGIN", frame.Headers.GetValues("X-Frame-Options").Single());

        // The notebook page itself keeps the strict policy (no inline script).
        var login = await anonymous.GetAsync("/login");
        Assert.Contains("script-src 'self';", string.Join(";", login.Headers.GetValues("Content-Security-Policy")));
    }
}
