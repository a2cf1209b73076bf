using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace NanoChat.Appliance.Accounts;

/// <summary>
/// The HMAC key that signs sign-in tokens. Generated on first run into DATA/signing.key with mode 0600
/// (never in the repository, never a hard-coded secret); read on every later start.
/// </summary>
public static class SigningKey
{
    private const int KeyBytes = 64;

    public static SymmetricSecurityKey LoadOrCreate(string path)
    {
        if (!File.Exists(path))
        {
            var fresh = RandomNumberGenerator.GetBytes(KeyBytes);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            try
            {
                using var stream = new FileStream(path, options);
                stream.Write(Convert.ToBase64String(fresh).Select(c => (byte)c).ToArray());
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process created it first (two starts at once): use theirs.
            }
        }
        var bytes = Convert.FromBase64String(File.ReadAllText(path).Trim());
        if (bytes.Length < 32)
            throw new InvalidOperationException($"The signing key '{path}' is shorter than 256 bits; delete it to have a new one made (every session is then signed out).");
        return new SymmetricSecurityKey(bytes) { KeyId = "appliance" };
    }
}
