using System.Globalization;
using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;

namespace NanoChat.Appliance.Accounts;

/// <summary>Reads the signed-in user from the validated token's claims.</summary>
public static class CurrentUser
{
    public static long Id(this ClaimsPrincipal principal) =>
        long.Parse(principal.FindFirstValue(JwtRegisteredClaimNames.Sub) ?? principal.FindFirstValue(ClaimTypes.NameIdentifier)
            ?? throw new InvalidOperationException("No user id in the token."), CultureInfo.InvariantCulture);

    public static string Username(this ClaimsPrincipal principal) => principal.FindFirstValue(JwtRegisteredClaimNames.Name) ?? "";

    public static bool IsInstructor(this ClaimsPrincipal principal) => principal.IsInRole(Roles.Instructor);
}
