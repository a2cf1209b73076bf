using System.Text;

namespace NanoChat.Appliance.Accounts;

/// <summary>
/// Where to send a browser after sign-in: only a path on this site, written so that it can go into a
/// Location header as it is. Browsers are lenient where a naive check is strict: they drop tabs and
/// newlines anywhere in a URL and read a backslash as a slash, so "/\t/evil.example" and
/// "/\\evil.example" both mean "//evil.example", another site. Anything doubtful becomes "/".
/// </summary>
public static class ReturnUrl
{
    /// <summary>Longer than any page address of ours; a longer one is an attack or a mistake.</summary>
    public const int MaxLength = 2048;

    public const string Home = "/";

    public static string Safe(string? returnUrl)
    {
        if (string.IsNullOrEmpty(returnUrl) || returnUrl.Length > MaxLength || !IsPlainPath(returnUrl))
            return Home;
        // Judge the decoded form as well: a proxy or a later hop that decodes once must not turn
        // "/%5cevil.example" or "/%09/evil.example" into another site either.
        var decoded = Uri.UnescapeDataString(returnUrl);
        if (!IsPlainPath(decoded))
            return Home;
        return PercentEncodeForHeader(returnUrl);
    }

    // A rooted path whose second character, after the browser's own clean-up, is not another slash:
    // no control characters at all (tab, CR, LF included), no backslashes anywhere.
    private static bool IsPlainPath(string value)
    {
        if (value.Length == 0 || value[0] != '/')
            return false;
        foreach (var c in value)
        {
            if (char.IsControl(c) || c == '\\')
                return false;
        }
        return value.Length == 1 || value[1] != '/';
    }

    // Header values are ASCII: non-ASCII and characters a URL must not carry raw become %XX of their
    // UTF-8 bytes; existing escapes and URL punctuation stay as they are.
    private static string PercentEncodeForHeader(string path)
    {
        var builder = new StringBuilder(path.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < path.Length; i++)
        {
            var c = path[i];
            if (c is > ' ' and < '\u007f' and not ('"' or '<' or '>' or '`' or '{' or '}' or '|' or '^'))
            {
                builder.Append(c);
                continue;
            }
            var length = char.IsHighSurrogate(c) && i + 1 < path.Length && char.IsLowSurrogate(path[i + 1])
                ? Encoding.UTF8.GetBytes(path.AsSpan(i++, 2), utf8)
                : Encoding.UTF8.GetBytes(path.AsSpan(i, 1), utf8); // a lone surrogate becomes U+FFFD
            foreach (var b in utf8[..length])
                builder.Append('%').Append(b.ToString("X2"));
        }
        return builder.ToString();
    }
}
