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
        .DisableHtml()
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

    private static HtmlSanitizer CreateSanitizer()
    {
        var sanitizer = new HtmlSanitizer();
        sanitizer.AllowedAttributes.Add("class");
        sanitizer.AllowedAttributes.Add("id");
        sanitizer.AllowedSchemes.Remove("javascript");
        sanitizer.AllowedTags.Add("input"); // task-list checkboxes
        sanitizer.AllowedAttributes.Add("checked");
        sanitizer.AllowedAttributes.Add("disabled");
        sanitizer.AllowedAttributes.Add("type");
        return sanitizer;
    }
}
