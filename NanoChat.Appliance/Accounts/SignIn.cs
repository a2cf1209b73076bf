using NanoChat.Appliance.Admin;

namespace NanoChat.Appliance.Accounts;

/// <summary>
/// Registration, sign-in and sign-out, shared by the JSON API and the pages so both follow the same
/// rules: validation, the throttle, the first-user-is-instructor rule, the cookie, the stamp.
/// </summary>
public sealed class SignIn(UserStore users, LoginThrottle throttle, TokenService tokens, SessionTracker sessions, IEnumerable<ISignInListener> listeners, EventLog events, ILogger<SignIn> logger)
{
    public const string WrongCredentials = "Wrong username or password.";

    public sealed record Outcome(User? User = null, string? Token = null, string? Error = null, int Status = 200, TimeSpan? RetryAfter = null);

    public Outcome Register(string? username, string? password)
    {
        if (CredentialRules.CheckUsername(username) is { } nameProblem)
            return new Outcome(Error: nameProblem, Status: 400);
        if (CredentialRules.CheckPassword(password) is { } passwordProblem)
            return new Outcome(Error: passwordProblem, Status: 400);
        if (!users.RegistrationOpen)
            return new Outcome(Error: "Registration is closed; ask your instructor for an account.", Status: 403);
        var created = users.Create(username!, password!);
        if (created.User is null)
            return new Outcome(Error: created.Conflict, Status: 409);
        logger.LogInformation("Registered {Role} {Username}", created.User.Role, created.User.Username);
        events.Record(EventLog.Kinds.Registered, created.User.Username, null, $"self-registered as {created.User.Role}");
        return new Outcome(User: created.User, Status: 201);
    }

    public Outcome Login(HttpContext http, string? username, string? password)
    {
        var address = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        username ??= "";
        if (throttle.LockedFor(username, address) is { } wait)
            return new Outcome(Error: $"Too many failed sign-ins; try again in {Math.Ceiling(wait.TotalSeconds)} seconds.", Status: 429, RetryAfter: wait);
        var user = username.Length <= CredentialRules.UsernameMaxLength && !string.IsNullOrEmpty(password) && password.Length <= CredentialRules.PasswordMaxLength
            ? users.CheckPassword(username, password)
            : null;
        if (user is null)
        {
            throttle.RecordFailure(username, address);
            logger.LogInformation("Failed sign-in for {Username} from {Address}", username, address);
            events.FailedSignIn(username.Length <= CredentialRules.UsernameMaxLength ? username : username[..CredentialRules.UsernameMaxLength] + "…", address);
            return new Outcome(Error: WrongCredentials, Status: 401);
        }
        throttle.RecordSuccess(username, address);
        var (token, _, sessionId) = tokens.Issue(user);
        sessions.Started(sessionId, user.Id, http.Request.Headers.UserAgent.ToString());
        SignInCookie.Append(http, token);
        foreach (var listener in listeners)
            listener.SignedIn(user.Id);
        logger.LogInformation("Signed in {Username} from {Address}", user.Username, address);
        events.SignedIn(user.Username, address);
        return new Outcome(User: user, Token: token);
    }

    /// <summary>Revokes every token of the user (new security stamp, every session record ended) and drops this browser's cookie.</summary>
    public void Logout(HttpContext http)
    {
        if (http.User.Identity?.IsAuthenticated == true)
        {
            users.RotateSecurityStamp(http.User.Id());
            sessions.EndAllOf(http.User.Id(), SessionTracker.Reasons.SignedOut);
            foreach (var listener in listeners)
                listener.SignedOutEverywhere(http.User.Id(), http.User.Username());
        }
        SignInCookie.Delete(http);
    }

    public static User? Current(HttpContext http) => http.Items[typeof(User)] as User;
}
