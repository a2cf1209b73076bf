using NanoChat.Appliance.Web;

namespace NanoChat.Appliance.Accounts;

/// <summary>
/// The account routes of the HTTP contract: register, login, logout, me, and the instructor's
/// registration switch. Sign-in logic shared with the pages lives in <see cref="SignIn"/>.
/// </summary>
public static class AccountsApi
{
    public sealed record CredentialsRequest(string Username, string Password);
    public sealed record LoginAnswer(string Token, UserView User);
    public sealed record RegistrationSetting(bool Open);

    public static WebApplication MapAccounts(this WebApplication app)
    {
        var auth = app.MapGroup("/api/auth").WithTags("Accounts");
        auth.MapPost("/register", (CredentialsRequest request, SignIn signIn) =>
            signIn.Register(request.Username, request.Password) switch
            {
                { User: { } user } => Results.Created($"/api/users/{user.Id}", UserView.From(user)),
                { Status: 409, Error: var error } => Problems.Conflict(error!),
                { Status: 403, Error: var error } => Problems.Forbidden(error!),
                { Error: var error } => Problems.BadRequest(error!),
            }).AllowAnonymous();

        auth.MapPost("/login", (CredentialsRequest request, SignIn signIn, HttpContext http) =>
            signIn.Login(http, request.Username, request.Password) switch
            {
                { User: { } user, Token: { } token } => Results.Ok(new LoginAnswer(token, UserView.From(user))),
                { RetryAfter: { } wait, Error: var error } => Problems.TooManyRequests(wait, error!),
                { Error: var error } => Problems.Unauthorized(error!),
            }).AllowAnonymous();

        auth.MapPost("/logout", (HttpContext http, SignIn signIn) =>
        {
            signIn.Logout(http);
            return Results.NoContent();
        }).RequireAuthorization();

        app.MapGet("/api/me", (HttpContext http) => http.Items[typeof(User)] is User user ? Results.Ok(UserView.From(user)) : Results.Unauthorized())
            .RequireAuthorization().WithTags("Accounts");

        var registration = app.MapGroup("/api/admin/registration").RequireAuthorization(AccountsSetup.InstructorPolicy).WithTags("Accounts");
        registration.MapGet("", (UserStore users) => new RegistrationSetting(users.RegistrationOpen));
        registration.MapPut("", (RegistrationSetting setting, UserStore users) =>
        {
            users.RegistrationOpen = setting.Open;
            return new RegistrationSetting(users.RegistrationOpen);
        });

        app.MapSessionApi();
        app.MapAccountPages();
        return app;
    }
}
