using System.Security.Cryptography;
using NanoChat.Appliance.Accounts;
using NanoChat.Appliance.Storage;

namespace NanoChat.Appliance.Hosting;

/// <summary>
/// `user add NAME [--role instructor|student]`: creates an account from the shell (the first
/// instructor of a fresh box). The password is read from stdin when one is piped in, otherwise
/// generated and printed once.
/// </summary>
public static class UserCommand
{
    public static int Run(string[] args)
    {
        var shape = new CommandShape("user", "Creates an account.", "data");
        var roleOption = shape.Option<string>("role", "instructor or student (default student)");
        var words = shape.Argument<string[]>("WORDS", "add NAME", System.CommandLine.ArgumentArity.ZeroOrMore);
        var parsed = shape.Parse(args);
        if (parsed.Value(words) is not ["add", var username])
            return CommandLine.Fail("Use: NanoChat.Appliance user add NAME [--role instructor|student] [--data DIR].");
        var options = parsed.Options();
        var role = parsed.Value(roleOption) ?? Roles.Student;
        if (!Roles.IsValid(role))
            return CommandLine.Fail($"The role '{role}' is unknown; use instructor or student.");
        if (CredentialRules.CheckUsername(username) is { } nameProblem)
            return CommandLine.Fail(nameProblem);
        if (DataDirectory.Prepare(options) is { } folderProblem)
            return CommandLine.Fail(folderProblem);

        var generated = Console.IsInputRedirected ? null : GeneratePassword();
        var password = generated ?? Console.In.ReadLine()?.TrimEnd('\r', '\n') ?? "";
        if (CredentialRules.CheckPassword(password) is { } passwordProblem)
            return CommandLine.Fail(passwordProblem);

        var database = new Database(options.DatabasePath);
        database.Initialize();
        var result = new UserStore(database, new PasswordHashing()).Create(username, password, role);
        if (result.User is null)
            return CommandLine.Fail(result.Conflict!);
        Console.WriteLine($"Created {result.User.Role} '{result.User.Username}'.");
        if (generated is not null)
            Console.WriteLine($"Password (shown once): {generated}");
        return 0;
    }

    /// <summary>Twelve characters from an alphabet without look-alikes, easy to type from a card.</summary>
    public static string GeneratePassword()
    {
        const string alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        return RandomNumberGenerator.GetString(alphabet, 12);
    }
}
