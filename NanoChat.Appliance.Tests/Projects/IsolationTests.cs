using System.Net;
using System.Net.Http.Json;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Projects;

/// <summary>Another user's ids are 404 on every route, read or write, API or page (security.md).</summary>
public sealed class IsolationTests : IAsyncLifetime
{
    private ApplianceServer _server = null!;

    public async Task InitializeAsync() => _server = await ApplianceServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Another_users_project_and_notebook_are_404_everywhere()
    {
        using var owner = await _server.SignUpAsync("owner");
        using var intruder = await _server.SignUpAsync("intruder");
        var project = await (await owner.Http.PostAsJsonAsync("/api/projects", new { name = "Secret work" })).ReadJsonAsync();
        var projectId = (long)project["id"]!;
        var notebook = await (await owner.Http.PostAsJsonAsync($"/api/projects/{projectId}/notebooks", new { name = "nb" })).ReadJsonAsync();
        var notebookId = (long)notebook["id"]!;

        var attempts = new (HttpMethod Method, string Path, object? Body)[]
        {
            (HttpMethod.Get, $"/api/projects/{projectId}", null),
            (HttpMethod.Patch, $"/api/projects/{projectId}", new { name = "mine now" }),
            (HttpMethod.Delete, $"/api/projects/{projectId}", null),
            (HttpMethod.Get, $"/api/projects/{projectId}/notebooks", null),
            (HttpMethod.Post, $"/api/projects/{projectId}/notebooks", new { name = "planted" }),
            (HttpMethod.Get, $"/api/notebooks/{notebookId}", null),
            (HttpMethod.Put, $"/api/notebooks/{notebookId}", new { revision = 1, name = "overwritten" }),
            (HttpMethod.Delete, $"/api/notebooks/{notebookId}", null),
            (HttpMethod.Get, $"/api/notebooks/{notebookId}/revisions", null),
            (HttpMethod.Get, $"/api/notebooks/{notebookId}/revisions/1", null),
        };
        foreach (var (method, path, body) in attempts)
        {
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
            var response = await intruder.Http.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {path} answered {(int)response.StatusCode}");
        }

        var pageCookie = $"nanochat_session={intruder.Token}";
        foreach (var page in new[] { $"/projects/{projectId}", $"/notebooks/{notebookId}" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, page);
            request.Headers.Add("Cookie", pageCookie);
            var response = await intruder.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.DoesNotContain("Secret work", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // The owner's data is untouched.
        var after = await (await owner.Http.GetAsync($"/api/notebooks/{notebookId}")).ReadJsonAsync();
        Assert.Equal("nb", (string?)after["name"]);
        Assert.Equal(1, (long)after["revision"]!);
        Assert.Single((await (await owner.Http.GetAsync($"/api/projects/{projectId}/notebooks")).ReadJsonAsync()).AsArray());
        Assert.Empty((await (await intruder.Http.GetAsync("/api/projects")).ReadJsonAsync()).AsArray());
    }
}
