using System.Collections.Concurrent;
using NanoChat.Appliance.Hosting;

namespace NanoChat.Appliance.Accounts;

/// <summary>
/// Decides on every authenticated request whether its session is still open: not ended (sign-out,
/// instructor) and not idle longer than the kiosk idle limit. The last-seen time of open sessions
/// lives in memory and goes to SQLite at most every <see cref="WriteInterval"/> per session, so a
/// class clicking around costs a handful of writes a minute, not one per request. After a restart the
/// stored value is at most that much older than the truth, which only shortens an idle session.
/// A session is not idle while one of its requests is still open (a cell's output stream, a chat
/// reply) or while the user's kernel runs a cell (<see cref="IUserActivity"/>); the idle time
/// restarts when such a request ends.
/// </summary>
public sealed class SessionTracker(SessionStore store, ApplianceOptions options, TimeProvider clock, IEnumerable<IUserActivity> activity)
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
        public int OpenRequests { get; set; }
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

    /// <summary>
    /// Checks the session of a request and, when it is open and <paramref name="countsAsActivity"/>,
    /// counts the request as activity (the page's "am I still signed in?" question does not).
    /// </summary>
    public Verdict Check(string sessionId, long userId, bool countsAsActivity = true)
    {
        var entry = Load(sessionId, userId);
        if (entry is null)
            return Verdict.Ended;
        var now = clock.GetUtcNow();
        lock (entry)
        {
            if (IdleLimit is { } limit && now - entry.LastSeen > limit)
            {
                if (entry.OpenRequests > 0 || activity.Any(source => source.IsBusy(userId)))
                {
                    Touch(sessionId, entry, now);
                    return Verdict.Open;
                }
                _open.TryRemove(sessionId, out _);
                store.End(sessionId, now, Reasons.Idle, entry.LastSeen);
                return Verdict.Idle;
            }
            if (countsAsActivity)
                Touch(sessionId, entry, now);
        }
        return Verdict.Open;
    }

    /// <summary>Seconds the session has left before it counts as idle; null when idle sign-out is off or the session ended.</summary>
    public double? IdleSecondsLeft(string sessionId)
    {
        if (IdleLimit is not { } limit || !_open.TryGetValue(sessionId, out var entry))
            return null;
        lock (entry)
            return Math.Max(0, (limit - (clock.GetUtcNow() - entry.LastSeen)).TotalSeconds);
    }

    /// <summary>A request of the session begins; until it ends (a stream can last an hour) the session is not idle.</summary>
    public void RequestStarted(string sessionId)
    {
        if (_open.TryGetValue(sessionId, out var entry))
            lock (entry)
                entry.OpenRequests++;
    }

    /// <summary>The request has ended: its end is activity, so the idle time counts from now.</summary>
    public void RequestEnded(string sessionId)
    {
        if (!_open.TryGetValue(sessionId, out var entry))
            return;
        lock (entry)
        {
            entry.OpenRequests = Math.Max(0, entry.OpenRequests - 1);
            Touch(sessionId, entry, clock.GetUtcNow());
        }
    }

    private void Touch(string sessionId, Entry entry, DateTimeOffset now)
    {
        entry.LastSeen = now;
        if (now - entry.Saved >= WriteInterval)
        {
            store.SaveLastSeen(sessionId, now);
            entry.Saved = now;
        }
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
