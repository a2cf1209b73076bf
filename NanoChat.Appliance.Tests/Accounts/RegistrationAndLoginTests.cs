using System.Net;
using System.Net.Http.Json;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Accounts;

public sealed class RegistrationAndLoginTests : IAsyncLifetime
{
    private ApplianceServer _server = null!;

    public async Task InitializeAsync() => _server = await ApplianceServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task First_user_becomes_instructor_and_later_ones_students()
    {
        using var first = await _server.SignUpAsync("teacher");
        using var second = await _server.SignUpAsync("student1");
        Assert.Equal("instructor", first.Role);
        Assert.Equal("student", second.Role);
        var me = await (await second.Http.GetAsync("/api/me")).ReadJsonAsync();
        Assert.Equal("student1", (string?)me["username"]);
        Assert.Equal("student", (string?)me["role"]);
    }

    [Fact]
    public async Task Duplicate_username_returns_409_whatever_its_case()
    {
        using var client = _server.Client();
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/auth/register", new { username = "Dana", password = "password123" })).StatusCode);
        var again = await client.PostAsJsonAsync("/api/auth/register", new { username = "dana", password = "password456" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("taken", (string?)(await again.ReadJsonAsync())["detail"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "password123", "username is required")]
    [InlineData("a", "password123", "2 to 32")]
    [InlineData("this-name-is-far-too-long-for-a-kiosk-card", "password123", "2 to 32")]
    [InlineData("../etc", "password123", "only letters")]
    [InlineData("bob smith", "password123", "only letters")]
    [InlineData("<script>", "password123", "only letters")]
    [InlineData("bob", "short", "at least 8")]
    public async Task Bad_credentials_at_registration_get_a_clear_400(string username, string password, string expected)
    {
        using var client = _server.Client();
        var response = await client.PostAsJsonAsync("/api/auth/register", new { username, password });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, (string?)(await response.ReadJsonAsync())["detail"], StringComparison.Ordinal);
        using var anyone = await _server.SignUpAsync("someone");
        Assert.Equal("instructor", anyone.Role); // nothing was created by the bad request
    }

    [Fact]
    public async Task Unknown_fields_and_wrong_types_are_400_with_a_message()
    {
        using var client = _server.Client();
        var unknown = await client.PostAsync("/api/auth/register", Json.Body("""{"username":"x1","password":"password123","admin":true}"""));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("admin", (string?)(await unknown.ReadJsonAsync())["detail"], StringComparison.Ordinal);
        var wrongType = await client.PostAsync("/api/auth/register", Json.Body("""{"username":42,"password":"password123"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        var malformed = await client.PostAsync("/api/auth/register", Json.Body("""{"username":"x1","""));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("application/problem+json", malformed.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Wrong_password_and_unknown_user_get_the_same_answer()
    {
        using var _ = await _server.SignUpAsync("erin");
        using var client = _server.Client();
        var wrong = await client.PostAsJsonAsync("/api/auth/login", new { username = "erin", password = "not-the-password" });
        var unknown = await client.PostAsJsonAsync("/api/auth/login", new { username = "nobody", password = "not-the-password" });
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Equal((string?)(await wrong.ReadJsonAsync())["detail"], (string?)(await unknown.ReadJsonAsync())["detail"]);
    }

    [Fact]
    public async Task Instructor_can_close_registration()
    {
        using var teacher = await _server.SignUpAsync("teacher");
        using var student = await _server.SignUpAsync("pupil");
        Assert.Equal(HttpStatusCode.NotFound,
            (await student.Http.PutAsJsonAsync("/api/admin/registration", new { open = false })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await teacher.Http.PutAsJsonAsync("/api/admin/registration", new { open = false })).StatusCode);
        using var client = _server.Client();
        var refused = await client.PostAsJsonAsync("/api/auth/register", new { username = "latecomer", password = "password123" });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("closed", (string?)(await refused.ReadJsonAsync())["detail"], StringComparison.Ordinal);
    }
}
