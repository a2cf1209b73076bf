namespace NanoChat.Appliance.Accounts;

/// <summary>
/// The page's side of the kiosk idle limit. Tabs report input with a light POST (at most every ~30 s;
/// the request itself is the activity), and a tab that saw no input for the idle limit asks the
/// status, which does not count as activity, whether the session is still open: another tab, a
/// running cell or an open stream may have kept it. Only the server decides; no tab signs out.
/// </summary>
public static class SessionApi
{
    public const string StatusPath = "/api/session";

    public static bool IsStatusQuestion(HttpRequest request) =>
        HttpMethods.IsGet(request.Method) && request.Path.Equals(StatusPath, StringComparison.OrdinalIgnoreCase);

    public static WebApplication MapSessionApi(this WebApplication app)
    {
        app.MapGet(StatusPath, (HttpContext http, SessionTracker sessions) =>
            http.Items[AccountsSetup.SessionIdItem] is string sessionId
                ? Results.Ok(new SessionStatus(sessions.IdleSecondsLeft(sessionId)))
                : Results.Unauthorized())
            .RequireAuthorization().WithTags("Accounts");
        app.MapPost(StatusPath + "/activity", () => Results.NoContent()).RequireAuthorization().WithTags("Accounts");
        return app;
    }

    /// <param name="IdleSecondsLeft">Seconds before the session counts as idle; null when idle sign-out is off.</param>
    public sealed record SessionStatus(double? IdleSecondsLeft);
}
