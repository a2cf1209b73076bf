using System.Text;
using NanoChat.Appliance.Accounts;
using NanoChat.Appliance.Web;

namespace NanoChat.Appliance.Notebooks;

/// <summary>
/// The two routes the notebook editor needs besides the notebook API: `POST /api/markdown` renders
/// markdown cells on the server (Markdig + HtmlSanitizer; math stays as spans for KaTeX in the
/// browser), a batch per request so opening a notebook costs one round trip; and `/output-frame`,
/// the page that shows a cell's HTML/JavaScript output inside a sandboxed iframe (no
/// allow-same-origin, so an opaque origin) with its own CSP that lets that output's scripts run but
/// reach nothing: no network, no parent page.
/// </summary>
public static class EditorSupport
{
    public sealed record MarkdownRequest(List<string?>? Sources);

    /// <summary>Cells per markdown request, and characters per cell.</summary>
    public const int MaxMarkdownCells = 2_000;
    public const int MaxMarkdownChars = 1_000_000;

    /// <summary>Characters per markdown request, all cells together.</summary>
    public const int MaxMarkdownRequestChars = 2_000_000;

    /// <summary>The output frame's policy: inline script is the point of it; nothing may be fetched.</summary>
    public const string OutputFrameSecurityPolicy =
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; " +
        "font-src data:; media-src data: blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

    public static WebApplication MapEditorSupport(this WebApplication app)
    {
        app.MapPost("/api/markdown", async (MarkdownRequest request, HttpContext http, MarkdownBatches batches) =>
        {
            var sources = request.Sources ?? [];
            if (sources.Count > MaxMarkdownCells)
                return Problems.BadRequest($"At most {MaxMarkdownCells:N0} markdown cells per request.");
            if (sources.Any(source => source?.Length > MaxMarkdownChars))
                return Problems.BadRequest($"A markdown cell may hold at most {MaxMarkdownChars:N0} characters.");
            if (sources.Sum(source => (long)(source?.Length ?? 0)) > MaxMarkdownRequestChars)
                return Results.Problem(detail: $"One request renders at most {MaxMarkdownRequestChars:N0} characters of markdown.",
                    statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too much markdown at once.");
            var html = await batches.RenderAsync(http.User.Id(), sources, http.RequestAborted);
            return html is null
                ? Problems.TooManyRequests(MarkdownBatches.SlotWait, "Your previous markdown is still being rendered; try again in a moment.", "Markdown is still rendering.")
                : Results.Ok(new { html });
        }).RequireAuthorization().WithTags("Notebooks");

        app.MapGet("/output-frame", (HttpContext http) =>
        {
            http.Response.Headers.ContentSecurityPolicy = OutputFrameSecurityPolicy;
            http.Response.Headers.XFrameOptions = "SAMEORIGIN";
            http.Response.Headers.CacheControl = "public, max-age=3600";
            return Results.Content(OutputFramePage, "text/html; charset=utf-8", Encoding.UTF8);
        }).ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// The frame page: waits for one message from its parent carrying the output's HTML, inserts it
    /// and runs its scripts (as Jupyter does), then reports its height so the parent can size the
    /// iframe. The parent checks that messages come from this frame's window.
    /// </summary>
    private const string OutputFramePage = """
        <!doctype html>
        <html><head><meta charset="utf-8"><style>
        html,body{margin:0;padding:0;font-family:system-ui,sans-serif;font-size:14px;overflow:hidden}
        #root{padding:4px 2px}
        table{border-collapse:collapse}td,th{border:1px solid #d9dde5;padding:2px 6px}
        img,svg{max-width:100%;height:auto}
        </style></head><body><div id="root"></div><script>
        (function () {
          var root = document.getElementById('root');
          var lastHeight = -1;
          function report() {
            var height = Math.ceil(document.documentElement.scrollHeight);
            if (height !== lastHeight) { lastHeight = height; parent.postMessage({ kind: 'output-frame-height', height: height }, '*'); }
          }
          window.addEventListener('message', function (event) {
            if (event.source !== parent || !event.data || event.data.kind !== 'output-frame-content') return;
            root.innerHTML = String(event.data.html);
            root.querySelectorAll('script').forEach(function (old) {
              var script = document.createElement('script');
              for (var i = 0; i < old.attributes.length; i++) script.setAttribute(old.attributes[i].name, old.attributes[i].value);
              script.textContent = old.textContent;
              old.replaceWith(script);
            });
            report();
          });
          new ResizeObserver(report).observe(document.documentElement);
          window.addEventListener('load', report);
          parent.postMessage({ kind: 'output-frame-ready' }, '*');
        })();
        </script></body></html>
        """;
}
