using Htmx;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.IdentityModel.JsonWebTokens;
using NanoChat.Appliance.Hosting;

namespace NanoChat.Appliance.Accounts;

/// <summary>
/// Registers sign-in: password hashing, the throttle, tokens and JWT bearer authentication that reads
/// the token from the Authorization header (scripts) or the HttpOnly cookie (pages), and checks the
/// user's security stamp on every request so logout or disabling revokes every session at once, and the
/// session record (<see cref="SessionTracker"/>) so an idle or ended session of one browser is refused.
/// </summary>
public static class AccountsSetup
{
    public const string InstructorPolicy = "instructor";

    /// <summary>HttpContext.Items key of the request's session id (the token's jti).</summary>
    public const string SessionIdItem = "nanochat.session-id";

    public static IServiceCollection AddAccounts(this IServiceCollection services, ApplianceOptions options)
    {
        services.AddSingleton<PasswordHashing>();
        services.AddSingleton<UserStore>();
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton(SigningKey.LoadOrCreate(options.SigningKeyPath));
        services.AddSingleton<TokenService>();
        services.AddSingleton<SignIn>();
        services.AddSingleton<SessionStore>();
        services.AddSingleton<SessionTracker>();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<TokenService>((bearer, tokens) =>
        {
            bearer.MapInboundClaims = false;
            bearer.TokenValidationParameters = tokens.ValidationParameters();
            bearer.Events = new JwtBearerEvents
            {
                OnMessageReceived = context =>
                {
                    if (string.IsNullOrEmpty(context.Token) && !context.Request.Headers.ContainsKey("Authorization")
                        && context.Request.Cookies.TryGetValue(SignInCookie.Name, out var cookie))
                        context.Token = cookie;
                    return Task.CompletedTask;
                },
                OnTokenValidated = context =>
                {
                    var users = context.HttpContext.RequestServices.GetRequiredService<UserStore>();
                    var stamp = context.Principal?.FindFirst(TokenService.StampClaim)?.Value;
                    var id = context.Principal?.FindFirst(JwtRegisteredClaimNames.Sub)?.Value;
                    var user = long.TryParse(id, out var userId) ? users.FindById(userId) : null;
                    if (user is null || user.Disabled || user.SecurityStamp != stamp)
                    {
                        context.Fail("This sign-in was revoked.");
                        return Task.CompletedTask;
                    }
                    var sessionId = context.Principal?.FindFirst(JwtRegisteredClaimNames.Jti)?.Value;
                    var tracker = context.HttpContext.RequestServices.GetRequiredService<SessionTracker>();
                    var countsAsActivity = !SessionApi.IsStatusQuestion(context.Request);
                    var verdict = sessionId is null ? SessionTracker.Verdict.Ended : tracker.Check(sessionId, userId, countsAsActivity);
                    if (verdict != SessionTracker.Verdict.Open)
                    {
                        context.HttpContext.Items[typeof(SessionTracker.Verdict)] = verdict;
                        context.Fail(verdict == SessionTracker.Verdict.Idle ? "This session was idle too long." : "This session has ended.");
                        return Task.CompletedTask;
                    }
                    context.HttpContext.Items[typeof(User)] = user;
                    context.HttpContext.Items[SessionIdItem] = sessionId;
                    if (countsAsActivity)
                    {
                        // An open stream (a cell's output, a chat reply) keeps the session from going idle.
                        tracker.RequestStarted(sessionId!);
                        context.HttpContext.Response.OnCompleted(() =>
                        {
                            tracker.RequestEnded(sessionId!);
                            return Task.CompletedTask;
                        });
                    }
                    return Task.CompletedTask;
                },
                OnChallenge = async context =>
                {
                    var idle = context.HttpContext.Items[typeof(SessionTracker.Verdict)] is SessionTracker.Verdict.Idle;
                    // Pages send the browser to the sign-in page; the API answers 401 problem details.
                    if (PageRequests.IsPage(context.Request))
                    {
                        context.HandleResponse();
                        if (context.Request.Cookies.ContainsKey(SignInCookie.Name))
                            SignInCookie.Delete(context.HttpContext);
                        var returnUrl = Uri.EscapeDataString(context.Request.Path + context.Request.QueryString);
                        var target = idle ? $"/login?idle=1&returnUrl={returnUrl}" : $"/login?returnUrl={returnUrl}";
                        if (context.Request.IsHtmx())
                        {
                            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                            context.Response.Htmx(headers => headers.Redirect(target));
                        }
                        else
                        {
                            context.Response.Redirect(target);
                        }
                    }
                    else if (idle)
                    {
                        // Say why, so a script or the notebook page can tell the student.
                        context.HandleResponse();
                        var minutes = context.HttpContext.RequestServices.GetRequiredService<SessionTracker>().IdleLimitText;
                        await Results.Problem(detail: $"You were signed out after {minutes} without activity; sign in again.",
                            statusCode: StatusCodes.Status401Unauthorized, title: "Signed out.").ExecuteAsync(context.HttpContext);
                    }
                },
            };
        });

        services.AddSingleton<IAuthorizationMiddlewareResultHandler, HideForbiddenAsNotFound>();
        services.AddAuthorizationBuilder()
            .AddPolicy(InstructorPolicy, policy => policy.RequireAuthenticatedUser().RequireRole(Roles.Instructor));
        return services;
    }
}

/// <summary>
/// A signed-in user who lacks the role for a route gets 404, as if it did not exist (security.md:
/// "404, never 403 with a hint"); anonymous callers still get 401 or the sign-in page.
/// </summary>
public sealed class HideForbiddenAsNotFound : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden && context.User.Identity?.IsAuthenticated == true)
        {
            await Results.Problem(detail: "That was not found.", statusCode: StatusCodes.Status404NotFound, title: "Not found.").ExecuteAsync(context);
            return;
        }
        await _default.HandleAsync(next, context, policy, authorizeResult);
    }
}

/// <summary>Tells page requests (HTML, redirect to sign-in) from API requests (JSON, 401).</summary>
public static class PageRequests
{
    public static bool IsPage(HttpRequest request) =>
        !request.Path.StartsWithSegments("/api") && !request.Path.StartsWithSegments("/healthz") && !request.Path.StartsWithSegments("/openapi");
}
