using System.Net;
using System.Text.RegularExpressions;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Accounts;

/// <summary>
/// The sign-in page as a browser without script uses it: GET /login for the antiforgery cookie and
/// token (and the hidden returnUrl the page carries), then POST the form with both.
/// </summary>
public sealed partial class SignInForm
{
    private SignInForm(HttpStatusCode status, string html, string? cookie, string? token, string? returnUrl)
    {
        Status = status;
        Html = html;
        AntiforgeryCookie = cookie;
        Token = token;
        ReturnUrl = returnUrl;
    }

    public HttpStatusCode Status { get; }
    public string Html { get; }
    public string? AntiforgeryCookie { get; }
    public string? Token { get; }
    /// <summary>The hidden returnUrl field as the browser would post it back (HTML entities decoded).</summary>
    public string? ReturnUrl { get; }

    public static async Task<SignInForm> OpenAsync(ApplianceServer server, string pathAndQuery = "/login")
    {
        using var client = server.Client();
        var response = await client.GetAsync(pathAndQuery);
        var html = await response.Content.ReadAsStringAsync();
        var cookie = response.Headers.TryGetValues("Set-Cookie", out var cookies)
            ? cookies.Select(c => c.Split(';')[0]).FirstOrDefault(c => c.StartsWith("nanochat_antiforgery=", StringComparison.Ordinal))
            : null;
        var token = TokenField().Match(html) is { Success: true } t ? WebUtility.HtmlDecode(t.Groups[1].Value) : null;
        var returnUrl = ReturnUrlField().Match(html) is { Success: true } r ? WebUtility.HtmlDecode(r.Groups[1].Value) : null;
        return new SignInForm(response.StatusCode, html, cookie, token, returnUrl);
    }

    /// <summary>Posts the form; the antiforgery token is added unless a field of that name is given.</summary>
    public async Task<HttpResponseMessage> PostAsync(ApplianceServer server, IEnumerable<KeyValuePair<string, string>> fields)
    {
        using var client = server.Client();
        var all = fields.ToList();
        if (Token is not null && all.All(f => f.Key != "__RequestVerificationToken"))
            all.Add(new("__RequestVerificationToken", Token));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/login") { Content = new FormUrlEncodedContent(all) };
        if (AntiforgeryCookie is not null)
            request.Headers.Add("Cookie", AntiforgeryCookie);
        return await client.SendAsync(request);
    }

    public Task<HttpResponseMessage> SignInAsync(ApplianceServer server, string username, string password, string? returnUrl) =>
        PostAsync(server, returnUrl is null
            ? [new("username", username), new("password", password)]
            : [new("username", username), new("password", password), new("returnUrl", returnUrl)]);

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]*)\"")]
    private static partial Regex TokenField();

    [GeneratedRegex("name=\"returnUrl\" value=\"([^\"]*)\"")]
    private static partial Regex ReturnUrlField();
}
