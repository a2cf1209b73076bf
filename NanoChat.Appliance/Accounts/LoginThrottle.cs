using System.Collections.Concurrent;

namespace NanoChat.Appliance.Accounts;

/// <summary>
/// Slows down password guessing: after <see cref="MaxFailures"/> failures for one username or one
/// address within <see cref="Window"/>, further attempts get 429 until the lock clears by itself.
/// Unknown usernames count exactly like known ones. In memory: a restart clears it, which is fine
/// for a lock measured in minutes. Singleton.
/// The account lock counts only attempts from addresses that never signed in to the account
/// (<see cref="KnownAddresses"/>): a classmate guessing from another machine locks only guesses
/// from machines like theirs, and the owner at their usual machine still gets in. Attempts from a
/// known address have a lock of their own per account and address.
/// </summary>
public sealed class LoginThrottle(TimeProvider clock)
{
    public const int MaxFailures = 5;
    public const int MaxFailuresPerAddress = 30;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan LockDuration = TimeSpan.FromMinutes(1);

    private sealed class Counter
    {
        public int Failures;
        public DateTimeOffset WindowStart;
        public DateTimeOffset LockedUntil;
    }

    private readonly ConcurrentDictionary<string, Counter> _counters = new();
    private readonly KnownAddresses _known = new();

    private static string AccountKey(string username) => "user:" + Name(username);
    private static string AddressKey(string address) => "addr:" + address;
    private static string KnownPairKey(string username, string address) => "known:" + address + " " + Name(username);

    // No account has a longer name, so a cut keeps every real one apart while a megabyte of
    // "username" costs a few bytes of table, not a megabyte.
    private static string Name(string username) =>
        (username.Length > CredentialRules.UsernameMaxLength ? username[..(CredentialRules.UsernameMaxLength + 1)] : username).ToUpperInvariant();

    // The counter this attempt counts against for its account.
    private string AccountCounterKey(string username, string address) =>
        _known.Contains(username, address) ? KnownPairKey(username, address) : AccountKey(username);

    /// <summary>Time left on the lock for this username or address, or null when attempts are allowed.</summary>
    public TimeSpan? LockedFor(string username, string address)
    {
        var now = clock.GetUtcNow();
        TimeSpan? longest = null;
        foreach (var key in new[] { AccountCounterKey(username, address), AddressKey(address) })
        {
            if (_counters.TryGetValue(key, out var counter))
            {
                lock (counter)
                {
                    if (counter.LockedUntil > now && (longest is null || counter.LockedUntil - now > longest))
                        longest = counter.LockedUntil - now;
                }
            }
        }
        return longest;
    }

    public void RecordFailure(string username, string address)
    {
        Count(AccountCounterKey(username, address), MaxFailures);
        Count(AddressKey(address), MaxFailuresPerAddress);
        Prune();
    }

    /// <summary>
    /// Clears the counter this attempt counted against, and remembers the address. A sign-in from a
    /// known address leaves the other machines' lock alone: it says nothing about who is guessing there.
    /// </summary>
    public void RecordSuccess(string username, string address)
    {
        _counters.TryRemove(AccountCounterKey(username, address), out _);
        _known.Remember(username, address);
    }

    private void Count(string key, int limit)
    {
        var now = clock.GetUtcNow();
        var counter = _counters.GetOrAdd(key, _ => new Counter { WindowStart = now });
        lock (counter)
        {
            if (now - counter.WindowStart > Window)
            {
                counter.WindowStart = now;
                counter.Failures = 0;
            }
            counter.Failures++;
            if (counter.Failures >= limit)
            {
                counter.LockedUntil = now + LockDuration;
                counter.Failures = 0;
                counter.WindowStart = now;
            }
        }
    }

    // Keeps the table bounded: drop counters whose window and lock are both over.
    private void Prune()
    {
        if (_counters.Count < 10_000)
            return;
        var now = clock.GetUtcNow();
        foreach (var (key, counter) in _counters)
        {
            if (now - counter.WindowStart > Window && counter.LockedUntil < now)
                _counters.TryRemove(key, out _);
        }
    }
}
