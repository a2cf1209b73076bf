using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using NanoChat.Appliance.Notebooks;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Notebooks;

/// <summary>
/// Markdown rendering cannot be used to keep a core busy: a batch has a deadline and stops when its
/// client goes, one batch runs per user, and sources Markdig cannot render show as text, never a 500.
/// </summary>
public sealed class MarkdownBatchesTests : IAsyncLifetime
{
    private ApplianceServer _server = null!;

    public async Task InitializeAsync() => _server = await ApplianceServer.StartAsync(configure: options => options.NightlyBackupHour = -1);
    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>A hundred sources that each take Markdig and the sanitizer a few hundred milliseconds.</summary>
    private static readonly string[] Attack = Enumerable.Repeat(string.Concat(Enumerable.Repeat("*a* ", 3000)), 100).ToArray();

    private static string[] Html(JsonNode answer) => answer["html"]!.AsArray().Select(node => (string)node!).ToArray();

    [Fact]
    public async Task A_hundred_pathological_sources_return_within_the_deadline_and_others_are_served_meanwhile()
    {
        using var mallory = await _server.SignUpAsync("mallory");
        using var sam = await _server.SignUpAsync("sam");
        var clock = Stopwatch.StartNew();
        var attack = mallory.Http.PostAsJsonAsync("/api/markdown", new { sources = Attack });

        await Task.Delay(300);
        var other = Stopwatch.StartNew();
        var projects = await sam.Http.GetAsync("/api/projects");
        Assert.Equal(HttpStatusCode.OK, projects.StatusCode);
        var rendered = await sam.Http.PostAsJsonAsync("/api/markdown", new { sources = new[] { "# Hello" } });
        Assert.Contains("<h1", Html(await rendered.ReadJsonAsync())[0]);
        Assert.True(other.Elapsed < TimeSpan.FromSeconds(2), $"another user waited {other.Elapsed}");

        var answer = await attack;
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the attack took {clock.Elapsed}");
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var html = Html(await answer.ReadJsonAsync());
        Assert.Equal(100, html.Length);
        Assert.Contains("<em>a</em>", html[0]);
        Assert.Contains("took too long", html[^1]);
        Assert.Contains("<pre>*a* *a* ", html[^1]);
    }

    [Fact]
    public async Task Sources_markdig_cannot_render_show_as_text_on_the_api_and_the_instructors_page()
    {
        using var teacher = await _server.SignUpAsync("teacher");
        using var sam = await _server.SignUpAsync("sam");
        var deep = string.Concat(Enumerable.Repeat("*a* ", 25000));
        var answer = await sam.Http.PostAsJsonAsync("/api/markdown", new { sources = new[] { deep, "<script>x</script> & y", new string('a', MarkdownRendering.MaxRenderedChars + 1) } });
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var html = Html(await answer.ReadJsonAsync());
        Assert.Contains("nested too deeply", html[0]);
        Assert.StartsWith("<div class=\"markdown-unrendered\">", html[0]);
        Assert.Contains("<pre>*a* *a* ", html[0]);
        Assert.DoesNotContain("<script", html[1]);
        Assert.Contains("longer than 100,000 characters", html[2]);

        var tooMuch = await sam.Http.PostAsJsonAsync("/api/markdown", new { sources = Enumerable.Repeat(new string('a', 900_000), 3) });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooMuch.StatusCode);
        Assert.Contains("2,000,000 characters", (string?)(await tooMuch.ReadJsonAsync())["detail"]);

        // The instructor's server-rendered view of a student's notebook holding that cell.
        var project = await (await teacher.Http.PostAsJsonAsync("/api/projects", new { name = "Lesson" })).ReadJsonAsync();
        var cells = new JsonArray { new JsonObject { ["type"] = "markdown", ["source"] = deep } };
        var lesson = await (await teacher.Http.PostAsJsonAsync($"/api/projects/{project["id"]}/notebooks", new JsonObject { ["name"] = "Deep", ["cells"] = cells })).ReadJsonAsync();
        var handOut = await (await teacher.Http.PostAsJsonAsync("/api/admin/handouts", new { notebookId = lesson["id"], projectName = "Week 1", usernames = new[] { "sam" } })).ReadJsonAsync();
        var page = await teacher.Http.GetAsync($"/admin/notebooks/{handOut["copies"]![0]!["notebookId"]}");
        var body = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("This markdown is shown as text", body);
        Assert.Contains("*a* *a* *a* ", body);
    }

    [Fact]
    public async Task One_batch_runs_per_user_and_a_client_that_goes_away_frees_its_slot()
    {
        using var mallory = await _server.SignUpAsync("mallory");
        // Warm up (JIT of binding, Markdig, the sanitizer) so the timings below are the batches' own.
        Assert.Equal(HttpStatusCode.OK, (await mallory.Http.PostAsJsonAsync("/api/markdown", new { sources = Attack.Take(2) })).StatusCode);

        // A second batch while the first renders waits briefly, then is refused with Retry-After.
        var first = mallory.Http.PostAsJsonAsync("/api/markdown", new { sources = Attack });
        await Task.Delay(300);
        var second = await mallory.Http.PostAsJsonAsync("/api/markdown", new { sources = new[] { "# Hi" } });
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.True(second.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await first).StatusCode);

        // A client that gives up stops the work: the next batch is not kept waiting until the deadline.
        using (var gone = new CancellationTokenSource(TimeSpan.FromMilliseconds(800)))
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => mallory.Http.PostAsJsonAsync("/api/markdown", new { sources = Attack }, gone.Token));
        var next = await mallory.Http.PostAsJsonAsync("/api/markdown", new { sources = new[] { "# Hi" } });
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Contains("<h1", Html(await next.ReadJsonAsync())[0]);
    }
}
