using Microsoft.Playwright;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Notebooks;

/// <summary>
/// The output renderer driven by execute-stream event objects in chromium (no kernel needed): the
/// same events the SSE stream carries are pushed into a cell's output area. A million lines stay
/// bounded in the DOM; images, stderr, ANSI tracebacks and SVG (as an image, never as markup) render.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class NotebookOutputTests(BrowserFixture browser)
{
    private const string FeedEvents = """
        async () => {
          const area = window.notebookPage.cells[0].outputs;
          area.clear();
          area.push({ type: 'execution', executionId: 7 });
          const longTasks = [];
          new PerformanceObserver((list) => longTasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
          const chunk = Array.from({ length: 1000 }, (_, i) => `line ${i} of a long training log`).join('\n') + '\n';
          const started = performance.now();
          for (let i = 0; i < 1000; i++) {
            area.push({ type: 'stdout', text: chunk });
            if (i % 25 === 0) await new Promise((resolve) => setTimeout(resolve, 0));
          }
          for (let p = 0; p <= 100; p += 5) area.push({ type: 'stdout', text: `\rprogress ${p}%` });
          area.push({ type: 'stdout', text: '\n' });
          area.push({ type: 'stderr', text: 'a warning\n' });
          area.push({ type: 'display', outputType: 'display_data', metadata: {}, data: { 'image/png': 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'text/plain': '<Figure>' } });
          area.push({ type: 'display', outputType: 'display_data', metadata: {}, data: { 'image/svg+xml': '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="parent.document.title=\'pwned-svg\'"><script>parent.document.title=\'pwned-svg2\'</script><rect width="10" height="10"/></svg>' } });
          area.push({ type: 'error', ename: 'ValueError', evalue: 'bad', traceback: ['\u001b[31mTraceback\u001b[0m (most recent call last)', '\u001b[31mValueError\u001b[0m: bad'] });
          area.push({ type: 'done', status: 'error', executionCount: 3, durationMs: 10 });
          await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 50)));
          const elapsed = performance.now() - started;
          const stdout = area.element.querySelector('.output-stdout');
          const stored = area.toNotebookOutputs();
          return {
            shownLines: stdout.textContent.split('\n').length,
            marker: stdout.querySelector('.output-omitted').textContent,
            lastLines: stdout.textContent.trim().split('\n').slice(-2).join('|'),
            storedChars: JSON.stringify(stored).length,
            storedTypes: stored.map((o) => o.output_type + (o.name ? ':' + o.name : '')).join(','),
            images: [...area.element.querySelectorAll('img.output-image')].map((img) => img.src.split(/[;,]/)[0]).join(','),
            inlineSvg: area.element.querySelectorAll('svg').length,
            stderr: area.element.querySelector('.output-stderr').textContent,
            errorRed: area.element.querySelectorAll('.output-error .ansi-red-fg').length,
            logButton: area.element.querySelectorAll('.output-omitted button').length,
            maxLongTask: Math.max(0, ...longTasks),
            elapsed,
          };
        }
        """;

    [BrowserFact]
    public async Task A_million_lines_stay_bounded_and_rich_outputs_render_from_stream_events()
    {
        await using var session = await EditorSession.StartAsync(browser);
        var id = await session.CreateNotebookAsync("Outputs", new { type = "code", source = "train()" });
        var page = await session.OpenAsync(id);
        var title = await page.TitleAsync();

        var result = await page.EvaluateAsync<System.Text.Json.JsonElement>(FeedEvents);
        var shownLines = result.GetProperty("shownLines").GetInt32();
        Assert.InRange(shownLines, 900, 1100);
        Assert.Contains("lines not shown", result.GetProperty("marker").GetString());
        Assert.Equal(1, result.GetProperty("logButton").GetInt32());
        Assert.Equal("line 999 of a long training log|progress 100%", result.GetProperty("lastLines").GetString());
        Assert.InRange(result.GetProperty("storedChars").GetInt32(), 1000, 200_000);
        Assert.Equal("stream:stdout,stream:stderr,display_data,display_data,error", result.GetProperty("storedTypes").GetString());
        Assert.Equal("data:image/png,data:image/svg+xml", result.GetProperty("images").GetString());
        Assert.Equal(0, result.GetProperty("inlineSvg").GetInt32());
        Assert.Equal("a warning\n", result.GetProperty("stderr").GetString());
        Assert.Equal(2, result.GetProperty("errorRed").GetInt32());
        Assert.Equal(title, await page.TitleAsync());
        await Screenshots.SaveAsync(page, "editor-outputs");
        Console.WriteLine($"1M lines: {result.GetProperty("elapsed").GetDouble():F0} ms, longest main-thread task {result.GetProperty("maxLongTask").GetDouble():F0} ms");
    }

    [BrowserFact]
    public async Task Editor_is_usable_at_200_percent_zoom()
    {
        await using var session = await EditorSession.StartAsync(browser);
        var id = await session.CreateNotebookAsync("Zoomed",
            new { type = "markdown", source = "## Zoomed\nText with $x^2$." },
            new { type = "code", source = "print('hello')" });
        // 1280×800 at 200% is a 640×400 CSS viewport at device scale 2.
        var page = await session.OpenAsync(id, 640, 400, 2);
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.True(overflow <= 0, $"page scrolls sideways by {overflow}px at 200% zoom");
        var run = page.GetByRole(AriaRole.Button, new() { Name = "Run cell", Exact = true });
        await run.FocusAsync();
        Assert.True(await run.IsVisibleAsync());
        await Screenshots.SaveAsync(page, "editor-zoom-200");
    }

    [BrowserFact]
    public async Task Markdown_latex_and_json_outputs_render_and_clear_output_waits_for_the_next_output()
    {
        await using var session = await EditorSession.StartAsync(browser);
        var id = await session.CreateNotebookAsync("Rendered outputs", new { type = "code", source = "show()" });
        var page = await session.OpenAsync(id);
        var shown = await page.EvaluateAsync<System.Text.Json.JsonElement>("""
            async () => {
              const area = window.notebookPage.cells[0].outputs;
              const show = (data) => area.push({ type: 'display', outputType: 'display_data', metadata: {}, data: { 'text/plain': '<object>', ...data } });
              area.clear();
              area.push({ type: 'stdout', text: 'old round\n' });
              area.push({ type: 'clear_output', wait: true });
              area.flush();
              const keptUntilNext = area.element.textContent;
              show({ 'text/markdown': '**bold** <img src=x onerror="parent.document.title=1">' });
              show({ 'text/latex': '\\frac{1}{2}' });
              show({ 'application/json': { loss: 1.5 } });
              area.flush();
              for (let i = 0; i < 100 && !area.element.querySelector('.output-markdown strong, .katex-display'); i++) await new Promise((r) => setTimeout(r, 50));
              await new Promise((r) => setTimeout(r, 200));
              return {
                keptUntilNext,
                text: area.element.textContent.includes('old round'),
                bold: area.element.querySelector('.output-markdown strong')?.textContent ?? '',
                images: area.element.querySelectorAll('.output-markdown img[onerror]').length,
                displayMath: area.element.querySelectorAll('.katex-display').length,
                json: area.element.querySelector('.output-result')?.textContent ?? '',
              };
            }
            """);
        Assert.Equal("old round\n", shown.GetProperty("keptUntilNext").GetString());
        Assert.False(shown.GetProperty("text").GetBoolean(), "the next output should have cleared the old round");
        Assert.Equal("bold", shown.GetProperty("bold").GetString());
        Assert.Equal(0, shown.GetProperty("images").GetInt32());
        Assert.Equal(1, shown.GetProperty("displayMath").GetInt32());
        Assert.Contains("\"loss\": 1.5", shown.GetProperty("json").GetString());

        // If the server cannot render, the markdown's own text is shown rather than nothing.
        await page.RouteAsync("**/api/markdown", route => route.FulfillAsync(new() { Status = 500, Body = "{}" }));
        var fallback = await page.EvaluateAsync<string>("""
            async () => {
              const area = window.notebookPage.cells[0].outputs;
              area.push({ type: 'clear_output', wait: false });
              area.push({ type: 'display', outputType: 'display_data', metadata: {}, data: { 'text/markdown': '# still readable' } });
              area.flush();
              for (let i = 0; i < 100 && !area.element.textContent; i++) await new Promise((r) => setTimeout(r, 50));
              return area.element.textContent;
            }
            """);
        Assert.Equal("# still readable", fallback);
    }
}
