namespace NanoChat.Appliance.Projects;

/// <summary>
/// Rules for names a person types (projects, notebooks): trimmed, 1–120 characters, no control
/// characters. They are display names only and never become file paths.
/// </summary>
public static class DisplayNames
{
    public const int MaxLength = 120;

    public static (string? Name, string? Error) Check(string? raw, string what)
    {
        var name = raw?.Trim();
        if (string.IsNullOrEmpty(name))
            return (null, $"A {what} needs a name.");
        if (name.Length > MaxLength)
            return (null, $"A {what} name has at most {MaxLength} characters.");
        if (name.Any(char.IsControl))
            return (null, $"A {what} name cannot contain control characters.");
        return (name, null);
    }
}
