using System.Text.Encodings.Web;
using Ganss.Xss;
using Markdig;

namespace NanoChat.Appliance.Notebooks;

/// <summary>
/// Markdown cells to safe HTML on the server: Markdig (tables, fenced code, task lists, autolinks,
/// math kept as spans for KaTeX in the browser), then HtmlSanitizer removes script, event handlers
/// and javascript: URLs. Thread-safe; one instance per process. A source that cannot be rendered
/// (too long for the sanitizer's worst case, nested past Markdig's depth limit, any other failure)
/// comes back as escaped text in a &lt;pre&gt; with a short note, so no page fails because of it.
/// </summary>
public sealed class MarkdownRendering
{
    private readonly MarkdownPipeline _pipeline = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseGridTables()
        .UseTaskLists()
        .UseAutoLinks()
        .UseEmphasisExtras()
        .UseMathematics()
        .UseAutoIdentifiers()
        .Build();

    private readonly HtmlSanitizer _sanitizer = CreateSanitizer();

    /// <summary>
    /// Longest source rendered as markdown. Neither Markdig nor the sanitizer can be cancelled, and
    /// the sanitizer's cost grows faster than linearly (a million characters of links took over a
    /// minute), so this bounds the time one source can hold a core; longer ones are shown as text.
    /// </summary>
    public const int MaxRenderedChars = 100_000;

    public string ToSafeHtml(string markdown)
    {
        if (markdown.Length > MaxRenderedChars)
            return Unrendered(markdown, $"it is longer than {MaxRenderedChars:N0} characters");
        try
        {
            return _sanitizer.Sanitize(Markdown.ToHtml(markdown, _pipeline));
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            // Markdig throws ArgumentException past its nesting limit ("*a* " repeated 25,000 times).
            return Unrendered(markdown, error is ArgumentException ? "it is nested too deeply" : "rendering failed");
        }
    }

    /// <summary>The source as escaped text with a note saying why it is not rendered.</summary>
    public static string Unrendered(string markdown, string why) =>
        $"<div class=\"markdown-unrendered\"><p class=\"muted\">This markdown is shown as text: {HtmlEncoder.Default.Encode(why)}.</p>" +
        $"<pre>{HtmlEncoder.Default.Encode(markdown)}</pre></div>";

    /// <summary>
    /// Raw HTML in markdown renders as Jupyter shows it (b, kbd, br, details/summary, alert divs,
    /// images), through this one sanitizer: no script, style, iframe, form controls or event
    /// handlers; javascript: URLs go; images only from this origin or data:, so a notebook cannot
    /// make the reader's browser fetch from elsewhere.
    /// </summary>
    private static HtmlSanitizer CreateSanitizer()
    {
        var sanitizer = new HtmlSanitizer();
        sanitizer.AllowedAttributes.Add("class");
        sanitizer.AllowedAttributes.Add("id");
        sanitizer.AllowedSchemes.Remove("javascript");
        foreach (var tag in new[] { "form", "button", "select", "option", "optgroup", "textarea", "fieldset", "legend", "label", "style", "iframe", "frame", "object", "embed" })
            sanitizer.AllowedTags.Remove(tag);
        foreach (var tag in new[] { "details", "summary", "kbd" })
            sanitizer.AllowedTags.Add(tag);
        sanitizer.AllowedTags.Add("input"); // task-list checkboxes, nothing else (see RemovingTag below)
        sanitizer.AllowedAttributes.Add("checked");
        sanitizer.AllowedAttributes.Add("disabled");
        sanitizer.AllowedAttributes.Add("type");
        sanitizer.AllowedAttributes.Add("open");
        sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is AngleSharp.Dom.IElement { LocalName: "input" } input && input.GetAttribute("type") != "checkbox")
                input.Remove();
        };
        sanitizer.FilterUrl += (_, e) =>
        {
            if (e.Tag.LocalName != "img")
                return;
            var url = e.OriginalUrl.Trim();
            e.SanitizedUrl = url.StartsWith("data:image/", StringComparison.OrdinalIgnoreCase) || IsSameOrigin(url) ? url : null;
        };
        return sanitizer;
    }

    /// <summary>A path on this origin: no scheme, no host (browsers read "\\" as "//").</summary>
    private static bool IsSameOrigin(string url)
    {
        var normalised = url.Replace("\t", "").Replace("\n", "").Replace("\r", "").Replace('\\', '/'); // as the browser reads it
        if (normalised.StartsWith("//", StringComparison.Ordinal))
            return false;
        var colon = normalised.IndexOf(':');
        var slash = normalised.IndexOfAny(['/', '?', '#']);
        return colon < 0 || (slash >= 0 && slash < colon);
    }
}
