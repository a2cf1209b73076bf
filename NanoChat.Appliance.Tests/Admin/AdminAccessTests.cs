using System.Net;
using Microsoft.AspNetCore.Routing;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Admin;

/// <summary>
/// Every admin route, enumerated from the app's own endpoint table (so a route added later is
/// covered without touching this test): students get 404, anonymous scripts 401, anonymous
/// browsers the sign-in page.
/// </summary>
public sealed class AdminAccessTests : IAsyncLifetime
{
    private ApplianceServer _server = null!;

    public async Task InitializeAsync() => _server = await ApplianceServer.StartAsync(configure: options => options.NightlyBackupHour = -1);
    public async Task DisposeAsync() => await _server.DisposeAsync();

    private List<(string Method, string Path)> AdminRoutes()
    {
        var routes = _server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(endpoint => endpoint.RoutePattern.RawText is { } raw && (raw.StartsWith("/admin", StringComparison.Ordinal) || raw.StartsWith("/api/admin", StringComparison.Ordinal)))
            .SelectMany(endpoint => (endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(method => (method, Concrete(endpoint.RoutePattern.RawText!))))
            .Distinct()
            .ToList();
        return routes;
    }

    private static string Concrete(string pattern) =>
        System.Text.RegularExpressions.Regex.Replace(pattern.TrimEnd('/'), @"\{(\w+)(:[^}]*)?\}", match => match.Groups[1].Value switch
        {
            "action" => "stop",
            "state" => "disable",
            _ => "1",
        });

    [Fact]
    public async Task Every_admin_route_refuses_students_with_404_and_anonymous_callers()
    {
        using var instructor = await _server.SignUpAsync("teacher");
        using var student = await _server.SignUpAsync("pupil");
        using var anonymous = _server.Client();
        var routes = AdminRoutes();
        // The console, accounts, hand-outs, health, kernels, events and backups all exist.
        Assert.True(routes.Count >= 25, $"only {routes.Count} admin routes found: {string.Join(", ", routes)}");
        foreach (var path in new[] { "/admin", "/admin/users", "/admin/handouts", "/admin/events", "/admin/kernels", "/api/admin/users", "/api/admin/health", "/api/admin/events", "/api/admin/kernels", "/api/admin/handouts", "/api/admin/registration" })
            Assert.Contains(("GET", path), routes);

        foreach (var (method, path) in routes)
        {
            using var asStudent = new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "GET" ? null : Json.Body("{}") };
            var studentAnswer = await student.Http.SendAsync(asStudent);
            Assert.True(studentAnswer.StatusCode == HttpStatusCode.NotFound, $"student {method} {path}: {(int)studentAnswer.StatusCode}");

            using var asAnonymous = new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "GET" ? null : Json.Body("{}") };
            var anonymousAnswer = await anonymous.SendAsync(asAnonymous);
            if (path.StartsWith("/api/", StringComparison.Ordinal))
            {
                Assert.True(anonymousAnswer.StatusCode == HttpStatusCode.Unauthorized, $"anonymous {method} {path}: {(int)anonymousAnswer.StatusCode}");
            }
            else
            {
                Assert.True(anonymousAnswer.StatusCode == HttpStatusCode.Redirect, $"anonymous {method} {path}: {(int)anonymousAnswer.StatusCode}");
                Assert.StartsWith("/login?returnUrl=", anonymousAnswer.Headers.Location?.ToString(), StringComparison.Ordinal);
            }
        }

        // The same GET pages and API answer the instructor (they are real routes, not 404 for everyone).
        foreach (var (_, path) in routes.Where(route => route.Method == "GET" && !route.Path.Contains("/1", StringComparison.Ordinal)))
        {
            var answer = await instructor.Http.GetAsync(path);
            Assert.True(answer.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"instructor GET {path}: {(int)answer.StatusCode}");
        }
        // Nothing the student tried changed anything.
        var users = await (await instructor.Http.GetAsync("/api/admin/users")).ReadJsonAsync();
        Assert.Equal(2, users.AsArray().Count);
    }
}
