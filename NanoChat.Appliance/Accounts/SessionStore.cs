using Microsoft.Data.Sqlite;
using NanoChat.Appliance.Storage;

namespace NanoChat.Appliance.Accounts;

/// <summary>One sign-in as stored: who, since when, last seen, and why it ended (null while open).</summary>
public sealed record SessionRecord(string Id, long UserId, DateTimeOffset CreatedAt, DateTimeOffset LastSeen, DateTimeOffset? EndedAt, string? EndReason, string UserAgent);

/// <summary>
/// The sessions table. Only <see cref="SessionTracker"/> and sign-in use it; the tracker keeps the
/// hot value (last seen) in memory and writes it here at most every half minute.
/// </summary>
public sealed class SessionStore(Database database)
{
    private const string Columns = "id, user_id, created_at, last_seen, ended_at, end_reason, user_agent";

    /// <summary>User agents are free text from the client: keep what fits a console line.</summary>
    public const int UserAgentMaxLength = 200;

    private static SessionRecord Map(SqliteDataReader reader) => new(
        reader.GetString(0), reader.GetInt64(1), reader.ReadTime(2), reader.ReadTime(3),
        reader.IsDBNull(4) ? null : reader.ReadTime(4), reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetString(6));

    public void Create(string id, long userId, DateTimeOffset now, string? userAgent)
    {
        var agent = userAgent ?? "";
        if (agent.Length > UserAgentMaxLength)
            agent = agent[..UserAgentMaxLength];
        database.Write((connection, transaction) => connection.Execute(
            "INSERT INTO sessions (id, user_id, created_at, last_seen, user_agent) VALUES ($id, $u, $t, $t, $a)",
            transaction, ("$id", id), ("$u", userId), ("$t", now.ToUnixTimeMilliseconds()), ("$a", agent)));
    }

    public SessionRecord? Find(string id) =>
        database.Read(connection => connection.Query($"SELECT {Columns} FROM sessions WHERE id = $id", Map, null, ("$id", id)).FirstOrDefault());

    public IReadOnlyList<SessionRecord> OfUser(long userId) =>
        database.Read(connection => connection.Query($"SELECT {Columns} FROM sessions WHERE user_id = $u ORDER BY created_at", Map, null, ("$u", userId)));

    public void SaveLastSeen(string id, DateTimeOffset lastSeen) =>
        database.Write((connection, transaction) => connection.Execute(
            "UPDATE sessions SET last_seen = MAX(last_seen, $t) WHERE id = $id", transaction, ("$id", id), ("$t", lastSeen.ToUnixTimeMilliseconds())));

    /// <summary>Ends one session (idle, for instance); a session already ended keeps its first reason.</summary>
    public void End(string id, DateTimeOffset now, string reason, DateTimeOffset? lastSeen = null) =>
        database.Write((connection, transaction) => connection.Execute(
            "UPDATE sessions SET ended_at = $t, end_reason = $r, last_seen = MAX(last_seen, $seen) WHERE id = $id AND ended_at IS NULL",
            transaction, ("$id", id), ("$t", now.ToUnixTimeMilliseconds()), ("$r", reason), ("$seen", (lastSeen ?? DateTimeOffset.UnixEpoch).ToUnixTimeMilliseconds())));

    /// <summary>Ends every open session of a user (sign out everywhere, a password reset, disabling).</summary>
    public void EndAllOf(long userId, DateTimeOffset now, string reason) =>
        database.Write((connection, transaction) => connection.Execute(
            "UPDATE sessions SET ended_at = $t, end_reason = $r WHERE user_id = $u AND ended_at IS NULL",
            transaction, ("$u", userId), ("$t", now.ToUnixTimeMilliseconds()), ("$r", reason)));
}
