using System.Collections.Concurrent;
using NanoChat.Appliance.Hosting;

namespace NanoChat.Appliance.Accounts;

/// <summary>
/// Decides on every authenticated request whether its session is still open: not ended (sign-out,
/// instructor) and not idle longer than the kiosk idle limit. The last-seen time of open sessions
/// lives in memory and goes to SQLite at most every <see cref="WriteInterval"/> per session, so a
/// class clicking around costs a handful of writes a minute, not one per request. After a restart the
/// stored value is at most that much older than the truth, which only shortens an idle session.
/// </summary>
public sealed class SessionTracker(SessionStore store, ApplianceOptions options, TimeProvider clock)
{
    public static readonly TimeSpan WriteInterval = TimeSpan.FromSeconds(30);

    public static class Reasons
    {
        public const string Idle = "idle";
        public const string SignedOut = "signed out";
    }

    public enum Verdict { Open, Idle, Ended }

    private sealed class Entry(long userId, DateTimeOffset lastSeen)
    {
        public long UserId { get; } = userId;
        public DateTimeOffset LastSeen { get; set; } = lastSeen;
        public DateTimeOffset Saved { get; set; } = lastSeen;
    }

    // Open sessions only; an ended one is looked up in SQLite again (and refused) if it comes back.
    private readonly ConcurrentDictionary<string, Entry> _open = new(StringComparer.Ordinal);

    /// <summary>The kiosk idle limit; null when idle sign-out is off.</summary>
    public TimeSpan? IdleLimit => options.IdleSignoutMinutes > 0 ? TimeSpan.FromMinutes(options.IdleSignoutMinutes) : null;

    /// <summary>"N minutes" for the idle notice, rounded the way a person says it.</summary>
    public string IdleLimitText => options.IdleSignoutMinutes switch
    {
        1 => "1 minute",
        >= 1 => $"{Math.Round(options.IdleSignoutMinutes):0} minutes",
        var minutes => $"{Math.Round(minutes * 60):0} seconds",
    };

    public void Started(string sessionId, long userId, string? userAgent)
    {
        var now = clock.GetUtcNow();
        store.Create(sessionId, userId, now, userAgent);
        _open[sessionId] = new Entry(userId, now);
    }

    /// <summary>Checks the session of a request and counts the request as activity when it is open.</summary>
    public Verdict Check(string sessionId, long userId)
    {
        var entry = Load(sessionId, userId);
        if (entry is null)
            return Verdict.Ended;
        var now = clock.GetUtcNow();
        lock (entry)
        {
            if (IdleLimit is { } limit && now - entry.LastSeen > limit)
            {
                _open.TryRemove(sessionId, out _);
                store.End(sessionId, now, Reasons.Idle, entry.LastSeen);
                return Verdict.Idle;
            }
            entry.LastSeen = now;
            if (now - entry.Saved >= WriteInterval)
            {
                store.SaveLastSeen(sessionId, now);
                entry.Saved = now;
            }
        }
        return Verdict.Open;
    }

    /// <summary>Ends every open session of the user, in memory and in SQLite.</summary>
    public void EndAllOf(long userId, string reason)
    {
        store.EndAllOf(userId, clock.GetUtcNow(), reason);
        foreach (var (id, entry) in _open)
        {
            if (entry.UserId == userId)
                _open.TryRemove(id, out _);
        }
    }

    private Entry? Load(string sessionId, long userId)
    {
        if (_open.TryGetValue(sessionId, out var cached))
            return cached.UserId == userId ? cached : null;
        // Not in memory: the process restarted, or the session ended. SQLite knows which.
        var stored = store.Find(sessionId);
        if (stored is null || stored.UserId != userId || stored.EndedAt is not null)
            return null;
        return _open.GetOrAdd(sessionId, _ => new Entry(userId, stored.LastSeen));
    }
}
