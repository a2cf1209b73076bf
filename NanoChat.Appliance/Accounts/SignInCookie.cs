namespace NanoChat.Appliance.Accounts;

/// <summary>
/// The cookie that carries the sign-in token for pages: HttpOnly (no script reads it, unlike the old
/// platform's localStorage), SameSite=Strict, Secure whenever the request came over HTTPS. A browser
/// session cookie (no Expires): closing a kiosk browser forgets the sign-in; the token's own expiry
/// and the server's idle limit still bound a browser that stays open.
/// </summary>
public static class SignInCookie
{
    public const string Name = "nanochat_session";

    public static void Append(HttpContext context, string token) =>
        context.Response.Cookies.Append(Name, token, Options(context));

    public static void Delete(HttpContext context) =>
        context.Response.Cookies.Delete(Name, Options(context));

    private static CookieOptions Options(HttpContext context) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = context.Request.IsHttps,
        Path = "/",
        IsEssential = true,
    };
}
