using System.Collections.Concurrent;
using Htmx;
using Microsoft.AspNetCore.Antiforgery;
using NanoChat.Appliance.Accounts;
using NanoChat.Appliance.Hosting;
using Scriban;
using Scriban.Parsing;
using Scriban.Runtime;

namespace NanoChat.Appliance.Web;

/// <summary>
/// Renders the Scriban templates embedded from templates/. A page is its template inside
/// layout.html; an htmx request (not boosted) gets the template alone, so one fragment serves both
/// (Hypermedia Systems). Parsed templates are cached for the life of the process.
/// </summary>
public sealed class PageRenderer(IAntiforgery antiforgery, ApplianceOptions options)
{
    private readonly ConcurrentDictionary<string, Template> _cache = new();
    private readonly EmbeddedTemplateLoader _loader = new();

    public string Render(string name, object? model, HttpContext? http = null)
    {
        var template = _cache.GetOrAdd(name, Parse);
        var context = new HtmlEscapingTemplateContext { TemplateLoader = _loader, MemberRenamer = member => StandardMemberRenamer.Rename(member), LoopLimit = 100_000 };
        var globals = new ScriptObject();
        // `include` renders a fragment that is itself escaped template output: mark it trusted, or the
        // escaping context would escape the fragment's own markup.
        globals.Import("include", new Func<TemplateContext, string, TrustedHtml>(RenderInclude));
        if (model is not null)
            globals.Import(model, renamer: member => StandardMemberRenamer.Rename(member));
        if (http is not null)
            AddRequestGlobals(globals, http);
        globals["include"] = TrustedInclude;
        context.PushGlobal(globals);
        return template.Render(context);
    }

    /// <summary>A full page (layout around the template) or, for htmx, the fragment alone.</summary>
    public IResult Page(HttpContext http, string name, string title, object? model = null, int status = 200)
    {
        var body = Render(name, model, http);
        // The same URL answers a page or a fragment: say so, or the browser's history cache may
        // show a bare fragment on Back.
        http.Response.Htmx(headers => headers.WithVary());
        var isFragment = http.Request.IsHtmxNonBoosted();
        var html = isFragment ? body : Render("layout.html", new { Title = title, Content = new TrustedHtml(body) }, http);
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }

    public IResult Fragment(HttpContext http, string name, object? model = null, int status = 200) =>
        Results.Content(Render(name, model, http), "text/html; charset=utf-8", statusCode: status);

    private TrustedHtml RenderInclude(TemplateContext context, string name)
    {
        var template = _cache.GetOrAdd(name, Parse);
        // Render into a fresh output so the page's own output is neither included nor cleared.
        context.PushOutput();
        try
        {
            return new TrustedHtml(template.Render(context));
        }
        finally
        {
            context.PopOutput();
        }
    }

    private void AddRequestGlobals(ScriptObject globals, HttpContext http)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        globals["antiforgery_token"] = tokens.RequestToken;
        globals["antiforgery_field"] = tokens.FormFieldName;
        globals["idle_signout_seconds"] = (int)Math.Round(options.IdleSignoutMinutes * 60);
        if (http.Items[typeof(User)] is User user)
            globals["me"] = new ScriptObject { ["id"] = user.Id, ["username"] = user.Username, ["role"] = user.Role, ["is_instructor"] = user.IsInstructor };
        globals["path"] = http.Request.Path.Value;
    }

    private Template Parse(string name)
    {
        var template = Template.Parse(EmbeddedAssets.ReadText($"templates/{name}"), name);
        if (template.HasErrors)
            throw new InvalidOperationException($"Template '{name}' has errors: {string.Join("; ", template.Messages)}");
        return template;
    }

    private static readonly TrustedIncludeFunction TrustedInclude = new();

    /// <summary>
    /// Scriban's <c>include</c> returns the rendered partial as a string, which the escaping context
    /// would escape a second time (a fragment shown as markup text). The partial's own values were
    /// escaped while it rendered, so its output is wrapped as <see cref="TrustedHtml"/>.
    /// </summary>
    private sealed class TrustedIncludeFunction : IScriptCustomFunction
    {
        private readonly Scriban.Functions.IncludeFunction _inner = new();

        public int RequiredParameterCount => _inner.RequiredParameterCount;
        public int ParameterCount => _inner.ParameterCount;
        public ScriptVarParamKind VarParamKind => _inner.VarParamKind;
        public Type ReturnType => typeof(TrustedHtml);

        public ScriptParameterInfo GetParameterInfo(int index) => _inner.GetParameterInfo(index);

        public object? Invoke(TemplateContext context, Scriban.Syntax.ScriptNode? callerContext, ScriptArray arguments, Scriban.Syntax.ScriptBlockStatement? blockStatement) =>
            new TrustedHtml(_inner.Invoke(context, callerContext, arguments, blockStatement) as string ?? "");

        public ValueTask<object?> InvokeAsync(TemplateContext context, Scriban.Syntax.ScriptNode? callerContext, ScriptArray arguments, Scriban.Syntax.ScriptBlockStatement? blockStatement) =>
            new(Invoke(context, callerContext, arguments, blockStatement));
    }

    /// <summary>Resolves <c>include 'projects/_row.html'</c> against the embedded templates folder.</summary>
    private sealed class EmbeddedTemplateLoader : ITemplateLoader
    {
        public string GetPath(TemplateContext context, SourceSpan callerSpan, string templateName) => $"templates/{templateName}";

        public string Load(TemplateContext context, SourceSpan callerSpan, string templatePath) => EmbeddedAssets.ReadText(templatePath);

        public ValueTask<string?> LoadAsync(TemplateContext context, SourceSpan callerSpan, string templatePath) => new((string?)Load(context, callerSpan, templatePath));
    }
}
