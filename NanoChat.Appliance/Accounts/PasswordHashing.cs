using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace NanoChat.Appliance.Accounts;

/// <summary>
/// ASP.NET Identity's PBKDF2 hasher at 210,000 iterations (its default of 100,000 is below the OWASP
/// ASVS floor, security.md). Hashes made with fewer iterations verify and ask to be re-hashed.
/// </summary>
public sealed class PasswordHashing
{
    public const int Iterations = 210_000;

    private readonly PasswordHasher<User> _hasher =
        new(Options.Create(new PasswordHasherOptions { IterationCount = Iterations, CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV3 }));

    // A real hash of a random password: unknown usernames are checked against it so that they cost
    // the same time as a wrong password (no user enumeration by timing).
    private readonly string _decoyHash;

    public PasswordHashing() => _decoyHash = Hash(Guid.NewGuid().ToString());

    public string Hash(string password) => _hasher.HashPassword(null!, password);

    public PasswordCheck Verify(string? hash, string password)
    {
        var result = _hasher.VerifyHashedPassword(null!, hash ?? _decoyHash, password);
        if (hash is null)
            return PasswordCheck.Wrong;
        return result switch
        {
            PasswordVerificationResult.Success => PasswordCheck.Right,
            PasswordVerificationResult.SuccessRehashNeeded => PasswordCheck.RightButRehash,
            _ => PasswordCheck.Wrong,
        };
    }
}

public enum PasswordCheck { Wrong, Right, RightButRehash }
