namespace NanoChat.Appliance.Accounts;

/// <summary>
/// The cookie that carries the sign-in token for pages: HttpOnly (no script reads it, unlike the old
/// platform's localStorage), SameSite=Strict, Secure whenever the request came over HTTPS.
/// </summary>
public static class SignInCookie
{
    public const string Name = "nanochat_session";

    public static void Append(HttpContext context, string token, DateTimeOffset expires) =>
        context.Response.Cookies.Append(Name, token, Options(context, expires));

    public static void Delete(HttpContext context) =>
        context.Response.Cookies.Delete(Name, Options(context, null));

    private static CookieOptions Options(HttpContext context, DateTimeOffset? expires) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = context.Request.IsHttps,
        Path = "/",
        Expires = expires,
        IsEssential = true,
    };
}
