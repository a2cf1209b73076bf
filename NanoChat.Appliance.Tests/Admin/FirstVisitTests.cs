using System.Net;
using System.Net.Http.Json;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Admin;

/// <summary>
/// The first visit to a new appliance: the sign-in and register pages say the first account becomes
/// the instructor (only while there is none), the instructor lands on a guide to creating the class,
/// and the address printed on sign-in cards is one the students can reach (saved, and warned about
/// while it is a loopback one).
/// </summary>
public sealed class FirstVisitTests : IAsyncLifetime
{
    private ApplianceServer _server = null!;

    public async Task InitializeAsync() => _server = await ApplianceServer.StartAsync(configure: options => options.NightlyBackupHour = -1);
    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Sign_in_and_register_say_the_first_account_becomes_the_instructor_until_one_exists()
    {
        using var anonymous = _server.Client();
        foreach (var page in new[] { "/login", "/register" })
        {
            var html = await anonymous.GetStringAsync(page);
            Assert.Contains("data-testid=\"first-account\"", html, StringComparison.Ordinal);
            Assert.Contains("<strong>instructor</strong>", html, StringComparison.Ordinal);
        }
        using var teacher = await _server.SignUpAsync("teacher");
        Assert.Equal("instructor", teacher.Role);
        foreach (var page in new[] { "/login", "/register" })
            Assert.DoesNotContain("first-account", await anonymous.GetStringAsync(page), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_instructors_first_landing_guides_to_creating_a_class_until_there_are_students()
    {
        using var teacher = await _server.SignUpAsync("teacher");
        var home = await teacher.Http.GetStringAsync("/");
        Assert.Contains("data-testid=\"setup-guide\"", home, StringComparison.Ordinal);
        Assert.Contains("href=\"/admin/users\"", home, StringComparison.Ordinal);
        Assert.Contains("Create a class", home, StringComparison.Ordinal);

        using var amy = await _server.SignUpAsync("amy");
        Assert.DoesNotContain("setup-guide", await teacher.Http.GetStringAsync("/"), StringComparison.Ordinal);
        Assert.DoesNotContain("setup-guide", await amy.Http.GetStringAsync("/"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_in_cards_print_the_address_the_instructor_set_and_a_loopback_one_is_warned_about()
    {
        using var teacher = await _server.SignUpAsync("teacher");
        // The test reaches the box on 127.0.0.1, as an instructor on the box itself would.
        var accounts = await teacher.Http.GetStringAsync("/admin/users");
        Assert.Contains("data-testid=\"address-loopback\"", accounts, StringComparison.Ordinal);
        var created = await CreateAsync(teacher, "amy");
        Assert.Contains($"<p class=\"card-site\">{_server.Address}</p>", created, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"cards-loopback\"", created, StringComparison.Ordinal);

        var refused = await teacher.Http.PutAsJsonAsync("/api/admin/address", new { address = "ftp://lab" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var saved = await (await teacher.Http.PutAsJsonAsync("/api/admin/address", new { address = " 192.168.1.20:5000 " })).ReadJsonAsync();
        Assert.Equal("http://192.168.1.20:5000/", (string?)saved["address"]);
        Assert.False((bool)saved["loopback"]!);

        // Read back, and printed on the next cards.
        Assert.Equal("http://192.168.1.20:5000/", (string?)(await (await teacher.Http.GetAsync("/api/admin/address")).ReadJsonAsync())["address"]);
        created = await CreateAsync(teacher, "ben");
        Assert.Contains("<p class=\"card-site\">http://192.168.1.20:5000/</p>", created, StringComparison.Ordinal);
        Assert.DoesNotContain("cards-loopback", created, StringComparison.Ordinal);
        Assert.DoesNotContain("address-loopback", await teacher.Http.GetStringAsync("/admin/users"), StringComparison.Ordinal);

        // Saving localhost is allowed (a one-machine class) and warned about.
        var local = await (await teacher.Http.PutAsJsonAsync("/api/admin/address", new { address = "http://localhost:5000" })).ReadJsonAsync();
        Assert.True((bool)local["loopback"]!);
        using var amy = await _server.SignInAsync("amy", await AmyPasswordAsync(teacher));
        Assert.Equal(HttpStatusCode.NotFound, (await amy.Http.PutAsJsonAsync("/api/admin/address", new { address = "http://evil/" })).StatusCode);
    }

    [Fact]
    public async Task The_saved_address_survives_a_restart()
    {
        using (var teacher = await _server.SignUpAsync("teacher"))
            await teacher.Http.PutAsJsonAsync("/api/admin/address", new { address = "https://nanochat.lab.example/" });
        _server.KeepData = true;
        var folder = _server.Options.DataDirectory;
        await _server.DisposeAsync();
        _server = await ApplianceServer.StartAsync(folder, options => options.NightlyBackupHour = -1);
        using var again = await _server.SignInAsync("teacher");
        Assert.Equal("https://nanochat.lab.example/", (string?)(await (await again.Http.GetAsync("/api/admin/address")).ReadJsonAsync())["address"]);
    }

    private static async Task<string> CreateAsync(SignedInClient teacher, string username)
    {
        var response = await teacher.Http.PostAsync("/admin/users", new FormUrlEncodedContent(new Dictionary<string, string> { ["roster"] = username, ["role"] = "student" }));
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, html);
        return html;
    }

    private static async Task<string> AmyPasswordAsync(SignedInClient teacher)
    {
        var users = (await (await teacher.Http.GetAsync("/api/admin/users")).ReadJsonAsync()).AsArray();
        var amy = users.Single(user => (string?)user!["username"] == "amy")!;
        var reset = await (await teacher.Http.PatchAsJsonAsync($"/api/admin/users/{amy["id"]}", new { resetPassword = true })).ReadJsonAsync();
        return (string)reset["password"]!;
    }
}
