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
        if (NeedsCheck(context.Request))
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

    private static bool NeedsCheck(HttpRequest request)
    {
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method))
            return false;
        if (request.Headers.ContainsKey("Authorization"))
            return false;
        return request.Cookies.ContainsKey(SignInCookie.Name) || request.HasFormContentType;
    }
}
