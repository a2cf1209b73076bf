using System.Net;
using System.Text;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Accounts;

/// <summary>
/// Where a real sign-in through the page sends the browser, for every returnUrl trick we know; and
/// that no input to the sign-in form makes the server fail.
/// </summary>
public sealed class ReturnUrlTests : IAsyncLifetime
{
    private const string Password = "return-url-password";
    private ApplianceServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await ApplianceServer.StartAsync();
        using var _ = await _server.SignUpAsync("rita", Password);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>returnUrl as the attacker writes it (before URL encoding) and the Location it must give.</summary>
    public static readonly (string ReturnUrl, string Location)[] Redirects =
    [
        ("/projects/3", "/projects/3"),
        ("/notebooks/7?cell=2#out", "/notebooks/7?cell=2#out"),
        ("/@evil.example", "/@evil.example"), // a path on this site, not a host
        ("/\t/evil.example", "/"),             // the browser drops the tab: //evil.example
        ("/\n/evil.example", "/"),
        ("/\r/evil.example", "/"),
        ("/\r\n/evil.example", "/"),
        ("\t//evil.example", "/"),
        ("/\\evil.example", "/"),              // the browser reads \ as /
        ("\\\\evil.example", "/"),
        ("\\/evil.example", "/"),
        ("//evil.example", "/"),
        ("//evil.example/x", "/"),
        ("///evil.example", "/"),
        ("/%09/evil.example", "/"),            // decoded once, it is the tab trick again
        ("/%0a/evil.example", "/"),
        ("/%0d%0a/evil.example", "/"),
        ("/%5cevil.example", "/"),
        ("/%5C%5Cevil.example", "/"),
        ("/%2f/evil.example", "/"),
        ("http://evil.example/", "/"),
        ("https:evil.example", "/"),
        ("HTTPS://evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("JaVaScRiPt:alert(1)", "/"),
        ("data:text/html,<script>alert(1)</script>", "/"),
        (" //evil.example", "/"),
        ("evil.example", "/"),
        ("", "/"),
        ("/é", "/%C3%A9"),                      // non-ASCII is percent-encoded, never a 500
        ("/naïve/über?q=ü", "/na%C3%AFve/%C3%BCber?q=%C3%BC"),
        ("/a b", "/a%20b"),
        ("/\"><script>", "/%22%3E%3Cscript%3E"),
        ("/😀", "/%F0%9F%98%80"),
        ("/\u0001", "/"),                      // control characters
        ("/\u0000x", "/"),
        ("/\u007f", "/"),
        ("/\u0085/evil.example", "/"),
        ("/" + new string('a', 3000), "/"),    // very long
    ];

    [Fact]
    public async Task Sign_in_sends_the_browser_only_to_paths_on_this_site()
    {
        var wrong = new List<string>();
        var blankForm = await SignInForm.OpenAsync(_server);
        foreach (var (returnUrl, expected) in Redirects)
        {
            // The attack: a link to /login?returnUrl=…; the page carries it in a hidden field.
            var form = await SignInForm.OpenAsync(_server, "/login?returnUrl=" + Uri.EscapeDataString(returnUrl));
            if (form.Status != HttpStatusCode.OK)
            {
                wrong.Add($"GET {Show(returnUrl)}: {(int)form.Status}");
                continue;
            }
            var viaPage = await form.SignInAsync(_server, "rita", Password, form.ReturnUrl);
            Check("via the page", returnUrl, expected, viaPage, wrong);

            // The same value posted straight in the form; a NUL makes the whole form unreadable (400).
            var direct = await blankForm.SignInAsync(_server, "rita", Password, returnUrl);
            if (!(returnUrl.Contains('\0') && direct.StatusCode == HttpStatusCode.BadRequest))
                Check("posted", returnUrl, expected, direct, wrong);
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    private static void Check(string how, string returnUrl, string expected, HttpResponseMessage response, List<string> wrong)
    {
        // The header as sent: HttpClient's parsed Location would tidy up exactly what is under test.
        var location = response.Headers.NonValidated.TryGetValues("Location", out var values) ? values.Single() : null;
        if (response.StatusCode != HttpStatusCode.Redirect || location != expected)
            wrong.Add($"{how} {Show(returnUrl)}: {(int)response.StatusCode} Location {Show(location)}, expected {Show(expected)}");
    }

    private static string Show(string? value) => value is null ? "(none)"
        : value.Length > 60 ? $"\"{Escape(value[..60])}…\" ({value.Length} chars)" : $"\"{Escape(value)}\"";

    private static string Escape(string value) =>
        string.Concat(value.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));

    [Fact]
    public async Task No_query_of_the_sign_in_page_fails()
    {
        string[] queries =
        [
            "", "?returnUrl=", "?returnUrl", "?returnUrl=%2F&returnUrl=%2F%2Fevil.example", "?returnUrl=%zz", "?returnUrl=%C3",
            "?returnUrl=%00", "?returnUrl=%C3%A9", "?returnUrl=%ED%A0%80", "?idle=1&idle=2", "?idle=%00",
            "?returnUrl=" + new string('a', 7000), "?" + string.Join('&', Enumerable.Range(0, 500).Select(i => $"k{i}=v")),
        ];
        using var client = _server.Client();
        foreach (var query in queries)
        {
            var response = await client.GetAsync("/login" + query);
            Assert.True((int)response.StatusCode < 500, $"GET /login{query[..Math.Min(60, query.Length)]}: {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task No_post_to_the_sign_in_form_fails()
    {
        var huge = new string('x', 1_000_000);
        List<KeyValuePair<string, string>>[] forms =
        [
            [],
            [new("username", "rita")],
            [new("password", Password)],
            [new("username", ""), new("password", "")],
            [new("username", "rita"), new("username", "rita"), new("password", Password)],
            [new("username", "rita"), new("password", Password), new("password", Password)],
            [new("username", "rita"), new("password", Password), new("returnUrl", "/a"), new("returnUrl", "//evil.example")],
            [new("username", huge), new("password", "whatever-it-is")],
            [new("username", "rita"), new("password", huge)],
            [new("username", "rita"), new("password", Password), new("returnUrl", huge)],
            [new("username", "ri\u0000ta"), new("password", "pass\u0000word")],
            [new("username", "rïtä😀"), new("password", "pässwörd-ü")],
            [new("username", "\ud800"), new("password", "\udc00")],
            [new("username", "rita"), new("password", Password), new("__RequestVerificationToken", "not-a-token")],
            [.. Enumerable.Range(0, 2000).Select(i => new KeyValuePair<string, string>($"f{i}", "v"))],
        ];
        foreach (var fields in forms)
        {
            var response = await (await SignInForm.OpenAsync(_server)).PostAsync(_server, fields);
            Assert.True((int)response.StatusCode < 500,
                $"POST {string.Join('&', fields.Take(3).Select(f => f.Key + "=" + f.Value[..Math.Min(20, f.Value.Length)]))}: {(int)response.StatusCode}");
        }

        // Bodies that are not a form at all, with and without the page's antiforgery cookie.
        var page = await SignInForm.OpenAsync(_server);
        Func<HttpContent>[] bodies =
        [
            () => new StringContent("{\"username\":\"rita\"}", Encoding.UTF8, "application/json"),
            () => new StringContent("username=rita&password=" + Password, Encoding.UTF8, "text/plain"),
            () => new ByteArrayContent([0xff, 0xfe, 0x00, 0x01]),
            () => new StringContent("%%%&&&==%zz&username=%C3", Encoding.UTF8, "application/x-www-form-urlencoded"),
            () => new MultipartFormDataContent { { new StringContent("rita"), "username" } },
        ];
        using var client = _server.Client();
        foreach (var makeBody in bodies)
        {
            foreach (var cookie in new[] { null, page.AntiforgeryCookie })
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/login") { Content = makeBody() };
                if (cookie is not null)
                    request.Headers.Add("Cookie", cookie);
                var response = await client.SendAsync(request);
                Assert.True((int)response.StatusCode < 500, $"POST /login {request.Content.Headers.ContentType} cookie={cookie is not null}: {(int)response.StatusCode}");
            }
        }
    }
}
