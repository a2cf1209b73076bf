using Htmx;
using NanoChat.Appliance.Web;

namespace NanoChat.Appliance.Accounts;

/// <summary>Sign-in, registration and sign-out pages (plain forms, so they work before any script loads).</summary>
public static class AccountPages
{
    public static WebApplication MapAccountPages(this WebApplication app)
    {
        app.MapGet("/login", (HttpContext http, PageRenderer pages, UserStore users, SessionTracker sessions, string? returnUrl, string? idle) =>
            pages.Page(http, "accounts/login.html", "Sign in", new
            {
                ReturnUrl = SafeReturnUrl(returnUrl),
                RegistrationOpen = users.RegistrationOpen,
                FirstAccount = users.IsEmpty,
                Notice = idle is null ? null : $"You were signed out after {sessions.IdleLimitText} without activity.",
            })).AllowAnonymous().ExcludeFromDescription();

        app.MapPost("/login", async (HttpContext http, PageRenderer pages, SignIn signIn, UserStore users) =>
        {
            if (!http.Request.HasFormContentType)
                return Problems.UnsupportedMediaType("The sign-in page takes a form post; scripts sign in at /api/auth/login.");
            var form = await http.Request.ReadFormAsync();
            var returnUrl = SafeReturnUrl(form["returnUrl"]);
            var outcome = signIn.Login(http, form["username"], form["password"]);
            if (outcome.User is not null)
                return Results.Redirect(returnUrl);
            if (outcome.RetryAfter is { } wait)
                Problems.SetRetryAfter(http.Response, wait);
            return pages.Page(http, "accounts/login.html", "Sign in", new
            {
                ReturnUrl = returnUrl,
                RegistrationOpen = users.RegistrationOpen,
                FirstAccount = users.IsEmpty,
                Username = form["username"].ToString(),
                Error = outcome.Error,
            }, outcome.Status == StatusCodes.Status429TooManyRequests ? 429 : 200);
        }).AllowAnonymous().ExcludeFromDescription();

        app.MapGet("/register", (HttpContext http, PageRenderer pages, UserStore users) =>
            pages.Page(http, "accounts/register.html", "Create an account", new { RegistrationOpen = users.RegistrationOpen, FirstAccount = users.IsEmpty }))
            .AllowAnonymous().ExcludeFromDescription();

        app.MapPost("/register", async (HttpContext http, PageRenderer pages, SignIn signIn, UserStore users) =>
        {
            var form = await http.Request.ReadFormAsync();
            string username = form["username"].ToString(), password = form["password"].ToString();
            var outcome = password == form["confirm"].ToString()
                ? signIn.Register(username, password)
                : new SignIn.Outcome(Error: "The two passwords differ.", Status: 400);
            if (outcome.User is not null && signIn.Login(http, username, password).User is not null)
                return Results.Redirect("/");
            return pages.Page(http, "accounts/register.html", "Create an account",
                new { RegistrationOpen = users.RegistrationOpen, FirstAccount = users.IsEmpty, Username = username, Error = outcome.Error });
        }).AllowAnonymous().ExcludeFromDescription();

        app.MapPost("/logout", (HttpContext http, SignIn signIn) =>
        {
            signIn.Logout(http);
            if (http.Request.IsHtmx())
            {
                http.Response.Htmx(headers => headers.Redirect("/login"));
                return Results.NoContent();
            }
            return Results.Redirect("/login");
        }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    /// <summary>Only paths on this site, ready for a Location header; anything else is "/" (see <see cref="ReturnUrl"/>).</summary>
    public static string SafeReturnUrl(string? returnUrl) => ReturnUrl.Safe(returnUrl);
}
