namespace NanoChat.Appliance.Web;

/// <summary>
/// Security headers on every response, errors included (the middleware runs first and sets them
/// before anything can fail). The CSP allows no inline script: every script is a bundled file.
/// Inline styles stay allowed because CodeMirror and KaTeX position elements with style attributes.
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
        "font-src 'self'; connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'; " +
        "form-action 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var headers = context.Response.Headers;
        // Set when the response starts, so errors get them too; a feature may set its own CSP and
        // framing rule first (a sandboxed output frame), which is respected.
        context.Response.OnStarting(() =>
        {
            headers.TryAdd("Content-Security-Policy", ContentSecurityPolicy);
            headers.TryAdd("X-Frame-Options", "DENY");
            headers["X-Content-Type-Options"] = "nosniff";
            headers["Referrer-Policy"] = "same-origin";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
            return Task.CompletedTask;
        });
        return next(context);
    });
}
