using NanoChat.Appliance.Accounts;

namespace NanoChat.Appliance.Admin;

/// <summary>
/// Reads what an instructor pastes into "Create a class": either CSV lines
/// <c>username[,password[,role]]</c> (a header line "username,…" is skipped) or plain names separated
/// by spaces, semicolons or new lines. Empty passwords are generated later; nothing is created here.
/// </summary>
public static class ClassRoster
{
    /// <summary>Accounts one request may create (a large lecture, not a denial of service: each hash costs ~0.1 s).</summary>
    public const int MaxAccountsPerRequest = 300;

    public sealed record Entry(string Username, string? Password, string? Role);

    public static List<Entry> Parse(string? text)
    {
        var entries = new List<Entry>();
        foreach (var raw in (text ?? "").Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            if (line.Contains(','))
            {
                var cells = line.Split(',').Select(cell => cell.Trim().Trim('"')).ToArray();
                if (entries.Count == 0 && cells[0].Equals("username", StringComparison.OrdinalIgnoreCase))
                    continue;
                entries.Add(new Entry(cells[0], cells.Length > 1 && cells[1].Length > 0 ? cells[1] : null, cells.Length > 2 && cells[2].Length > 0 ? cells[2].ToLowerInvariant() : null));
                continue;
            }
            foreach (var name in line.Split([' ', '\t', ';'], StringSplitOptions.RemoveEmptyEntries))
                entries.Add(new Entry(name, null, null));
        }
        return entries;
    }

    /// <summary>Every problem of the batch, one sentence each; empty when all of it can be created.</summary>
    public static List<string> Check(IReadOnlyList<Entry> entries, UserStore users)
    {
        var problems = new List<string>();
        if (entries.Count == 0)
            problems.Add("No usernames were given.");
        if (entries.Count > MaxAccountsPerRequest)
            problems.Add($"At most {MaxAccountsPerRequest} accounts can be created at once; split the list.");
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in entries.Take(MaxAccountsPerRequest))
        {
            var label = entry.Username.Length > CredentialRules.UsernameMaxLength ? entry.Username[..CredentialRules.UsernameMaxLength] + "…" : entry.Username;
            if (CredentialRules.CheckUsername(entry.Username) is { } nameProblem)
                problems.Add($"'{label}': {nameProblem}");
            else if (!seen.Add(entry.Username))
                problems.Add($"'{label}' appears twice in the list.");
            else if (users.FindByName(entry.Username) is not null)
                problems.Add($"'{label}' already has an account.");
            if (entry.Password is not null && CredentialRules.CheckPassword(entry.Password) is { } passwordProblem)
                problems.Add($"'{label}': {passwordProblem}");
            if (entry.Role is not null && !Roles.IsValid(entry.Role))
                problems.Add($"'{label}': the role '{entry.Role}' is unknown; use student or instructor.");
        }
        return problems;
    }
}
