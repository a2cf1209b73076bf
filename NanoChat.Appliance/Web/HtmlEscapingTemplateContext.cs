using System.Net;
using Scriban;
using Scriban.Parsing;

namespace NanoChat.Appliance.Web;

/// <summary>
/// Scriban writes expression values as they are; this context HTML-escapes every one of them, so a
/// template cannot forget to escape a user's name. Only values wrapped in <see cref="TrustedHtml"/>
/// (already sanitized or rendered by us) are written raw.
/// </summary>
public sealed class HtmlEscapingTemplateContext : TemplateContext
{
    public override TemplateContext Write(SourceSpan span, object? textAsObject) =>
        base.Write(span, Escape(textAsObject));

    public override ValueTask<TemplateContext> WriteAsync(SourceSpan span, object? textAsObject) =>
        base.WriteAsync(span, Escape(textAsObject));

    private object Escape(object? value) => value switch
    {
        null => "",
        TrustedHtml trusted => trusted.Html,
        _ => WebUtility.HtmlEncode(ObjectToString(value) ?? ""),
    };
}

/// <summary>HTML that is safe to write unescaped: produced by our own templates or by the sanitizer.</summary>
public sealed record TrustedHtml(string Html)
{
    public override string ToString() => Html;
}
