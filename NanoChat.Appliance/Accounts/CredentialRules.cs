using System.Text.RegularExpressions;

namespace NanoChat.Appliance.Accounts;

/// <summary>
/// What a username and a password must look like. Usernames are shown on kiosks, printed on sign-in
/// cards and used as workspace folder names, so they are short and plain; passwords follow security.md.
/// </summary>
public static partial class CredentialRules
{
    public const int UsernameMinLength = 2;
    public const int UsernameMaxLength = 32;
    public const int PasswordMinLength = 8;
    public const int PasswordMaxLength = 128;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex UsernamePattern();

    /// <summary>Returns why the username is unusable, or null.</summary>
    public static string? CheckUsername(string? username)
    {
        if (string.IsNullOrWhiteSpace(username))
            return "A username is required.";
        if (username.Length < UsernameMinLength || username.Length > UsernameMaxLength)
            return $"A username has {UsernameMinLength} to {UsernameMaxLength} characters.";
        if (!UsernamePattern().IsMatch(username))
            return "A username uses only letters, digits, '.', '_' and '-', and starts with a letter or digit.";
        return null;
    }

    /// <summary>Returns why the password is unusable, or null.</summary>
    public static string? CheckPassword(string? password)
    {
        if (string.IsNullOrEmpty(password) || password.Length < PasswordMinLength)
            return $"A password has at least {PasswordMinLength} characters.";
        if (password.Length > PasswordMaxLength)
            return $"A password has at most {PasswordMaxLength} characters.";
        return null;
    }
}
