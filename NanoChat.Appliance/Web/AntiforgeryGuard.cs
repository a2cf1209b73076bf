using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.DataProtection;
using NanoChat.Appliance.Accounts;

namespace NanoChat.Appliance.Web;

/// <summary>
/// Antiforgery on every state-changing request a browser could be tricked into sending: those that
/// carry the sign-in cookie, and page form posts (sign-in, register). Scripts that authenticate with
/// an Authorization header are not exposed to CSRF and are not checked. The token travels in the
/// X-CSRF-TOKEN header (htmx, fetch) or the __RequestVerificationToken form field.
/// </summary>
public static class AntiforgeryGuard
{
    public const string HeaderName = "X-CSRF-TOKEN";

    public static IServiceCollection AddAntiforgeryGuard(this IServiceCollection services, Hosting.ApplianceOptions appliance)
    {
        // Antiforgery tokens are protected with keys kept in the data folder, so they survive restarts.
        services.AddDataProtection()
            .SetApplicationName("nanochat-appliance")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(appliance.DataDirectoryFullPath, "keys")));
        return services.AddAntiforgery(options =>
        {
            options.HeaderName = HeaderName;
            options.Cookie.Name = "nanochat_antiforgery";
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.HttpOnly = true;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.SuppressXFrameOptionsHeader = true; // SecurityHeaders sets it.
        });
    }

    public static IApplicationBuilder UseAntiforgeryGuard(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (NeedsCheck(context) && !SignedOutOnProtectedRoute(context))
        {
            var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                await Results.Problem(
                    detail: "This page's security token is missing or expired; reload the page and try again.",
                    statusCode: StatusCodes.Status400BadRequest, title: "The request is not valid.").ExecuteAsync(context);
                return;
            }
        }
        await next(context);
    });

    /// <summary>
    /// A request whose sign-in ended (idle, signed out elsewhere) to a route that needs a user: the
    /// authorization step refuses it with 401 before anything changes, which tells the page to offer
    /// sign-in and keep its edits. Checking antiforgery first would answer 400 "reload the page",
    /// and reloading loses what the student typed.
    /// </summary>
    private static bool SignedOutOnProtectedRoute(HttpContext context)
    {
        if (context.User.Identity?.IsAuthenticated == true)
            return false;
        var metadata = context.GetEndpoint()?.Metadata;
        return metadata?.GetMetadata<Microsoft.AspNetCore.Authorization.IAuthorizeData>() is not null
            && metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is null;
    }

    private static bool NeedsCheck(HttpContext context)
    {
        var request = context.Request;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method))
            return false;
        if (request.Headers.ContainsKey("Authorization"))
            return false;
        if (request.HasFormContentType)
            return true;
        // A cookie that no longer signs anyone in lends the request no authority, so it is as
        // anonymous as one without the cookie: the notebook page's inline sign-in (JSON, which a
        // cross-site form cannot send) works although its token was made for the ended session.
        return request.Cookies.ContainsKey(SignInCookie.Name) && context.User.Identity?.IsAuthenticated == true;
    }
}
