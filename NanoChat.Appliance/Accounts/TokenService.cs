using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using NanoChat.Appliance.Hosting;

namespace NanoChat.Appliance.Accounts;

/// <summary>
/// Issues the sign-in JWT (HS256 only) carrying the user id, name, role and security stamp.
/// The same token goes into the HttpOnly cookie for pages and into the JSON answer for scripts. Its
/// <c>jti</c> names the server-side session record (<see cref="SessionTracker"/>); the expiry is the
/// absolute lifetime, the idle limit is the tracker's.
/// </summary>
public sealed class TokenService(SymmetricSecurityKey key, ApplianceOptions options, TimeProvider clock)
{
    public const string Issuer = "nanochat-appliance";
    public const string Audience = "nanochat-appliance";
    public const string Algorithm = SecurityAlgorithms.HmacSha256;
    public const string StampClaim = "stamp";

    public SymmetricSecurityKey Key => key;

    /// <summary>A token, when it expires at the latest, and its session id (the <c>jti</c>).</summary>
    public sealed record Issued(string Token, DateTimeOffset Expires, string SessionId);

    public Issued Issue(User user)
    {
        var now = clock.GetUtcNow();
        var sessionId = Guid.NewGuid().ToString("N");
        var expires = now + options.TokenLifetime;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(key, Algorithm),
            Subject = new ClaimsIdentity(
            [
                new Claim(JwtRegisteredClaimNames.Sub, user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new Claim(JwtRegisteredClaimNames.Name, user.Username),
                new Claim("role", user.Role),
                new Claim(StampClaim, user.SecurityStamp),
                new Claim(JwtRegisteredClaimNames.Jti, sessionId),
            ]),
        };
        return new Issued(new JsonWebTokenHandler().CreateToken(descriptor), expires, sessionId);
    }

    public TokenValidationParameters ValidationParameters() => new()
    {
        ValidIssuer = Issuer,
        ValidAudience = Audience,
        IssuerSigningKey = key,
        ValidAlgorithms = [Algorithm],
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        ValidateLifetime = true,
        ClockSkew = TimeSpan.FromSeconds(30),
        NameClaimType = JwtRegisteredClaimNames.Name,
        RoleClaimType = "role",
    };
}
