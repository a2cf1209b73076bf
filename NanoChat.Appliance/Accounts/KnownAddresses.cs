using System.Collections.Concurrent;

namespace NanoChat.Appliance.Accounts;

/// <summary>
/// Per account, the few addresses it last signed in from successfully: the owner's usual machines.
/// The throttle treats attempts from them apart, so guesses from elsewhere cannot lock the owner out.
/// In memory on purpose: it only decides which lock an attempt counts against (a lock lasts a
/// minute), so after a restart the worst case is today's behaviour until the owner's next sign-in,
/// while a table would cost a write on every sign-in and a migration. Bounded: at most
/// <see cref="PerAccount"/> addresses per account, and only accounts that really signed in.
/// </summary>
public sealed class KnownAddresses
{
    public const int PerAccount = 8;

    private readonly ConcurrentDictionary<string, LinkedList<string>> _byAccount = new();

    private static string Key(string username) => username.ToUpperInvariant();

    public bool Contains(string username, string address)
    {
        if (!_byAccount.TryGetValue(Key(username), out var addresses))
            return false;
        lock (addresses)
            return addresses.Contains(address);
    }

    /// <summary>Remembers a successful sign-in; the least recently used address falls out beyond the bound.</summary>
    public void Remember(string username, string address)
    {
        var addresses = _byAccount.GetOrAdd(Key(username), _ => new LinkedList<string>());
        lock (addresses)
        {
            addresses.Remove(address);
            addresses.AddFirst(address);
            while (addresses.Count > PerAccount)
                addresses.RemoveLast();
        }
    }
}
