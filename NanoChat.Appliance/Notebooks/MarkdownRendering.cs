using Ganss.Xss;
using Markdig;

namespace NanoChat.Appliance.Notebooks;

/// <summary>
/// Markdown cells to safe HTML on the server: Markdig (tables, fenced code, task lists, autolinks,
/// math kept as spans for KaTeX in the browser), then HtmlSanitizer removes script, event handlers
/// and javascript: URLs. Thread-safe; one instance per process.
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

    public string ToSafeHtml(string markdown) => _sanitizer.Sanitize(Markdown.ToHtml(markdown, _pipeline));

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
