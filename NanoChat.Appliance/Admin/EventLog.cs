using NanoChat.Appliance.Storage;

namespace NanoChat.Appliance.Admin;

/// <summary>
/// The appliance's bounded event journal: what the instructor console lists under "Recent events".
/// Sign-ins (<see cref="Accounts.SignIn"/>), instructor actions (this folder) and kernel starts and
/// deaths (the kernel manager calls <see cref="KernelStarted"/> and <see cref="KernelEnded"/>).
/// Only the newest <see cref="MaxEvents"/> rows are kept: every insert trims the oldest in the same
/// transaction. Never holds passwords or tokens. Singleton.
/// </summary>
public sealed class EventLog(Database database, TimeProvider clock)
{
    /// <summary>Rows kept in the events table (about 2 MB of SQLite).</summary>
    public const int MaxEvents = 10_000;

    public static class Kinds
    {
        public const string Registered = "registered";
        public const string SignIn = "sign-in";
        public const string FailedSignIn = "failed-sign-in";
        public const string Instructor = "instructor";
        public const string KernelStarted = "kernel-started";
        public const string KernelEnded = "kernel-ended";
        public const string Backup = "backup";
        public const string WorkspaceFull = "workspace-full";
    }

    public void Record(string kind, string? actor, string? subject, string detail)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        database.Write((connection, transaction) =>
        {
            connection.Execute("INSERT INTO events (at, kind, actor, subject, detail) VALUES ($t, $k, $a, $s, $d)",
                transaction, ("$t", now), ("$k", kind), ("$a", actor), ("$s", subject), ("$d", detail));
            connection.Execute("DELETE FROM events WHERE id <= (SELECT MAX(id) FROM events) - $keep", transaction, ("$keep", MaxEvents));
        });
    }

    public void SignedIn(string username, string address) => Record(Kinds.SignIn, username, null, $"from {address}");

    public void FailedSignIn(string username, string address) => Record(Kinds.FailedSignIn, null, username, $"from {address}");

    public void InstructorAction(string instructor, string? subject, string what) => Record(Kinds.Instructor, instructor, subject, what);

    /// <summary>For the kernel manager: a worker started for <paramref name="username"/>.</summary>
    public void KernelStarted(string username, string detail = "") => Record(Kinds.KernelStarted, null, username, detail);

    /// <summary>For the kernel manager: a worker ended, with the reason in words ("killed: out of memory", "stopped by the instructor").</summary>
    public void KernelEnded(string username, string reason) => Record(Kinds.KernelEnded, null, username, reason);

    public IReadOnlyList<ApplianceEvent> Recent(int count = 200, string? kind = null) =>
        database.Read(connection => connection.Query(
            "SELECT id, at, kind, actor, subject, detail FROM events WHERE ($k IS NULL OR kind = $k) ORDER BY id DESC LIMIT $n",
            reader => new ApplianceEvent(reader.GetInt64(0), reader.ReadTime(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetString(5)),
            null, ("$k", kind), ("$n", Math.Clamp(count, 1, MaxEvents))));
}

/// <summary>One event as the API shows it: <c>{id, at, kind, actor, subject, detail}</c>.</summary>
public sealed record ApplianceEvent(long Id, DateTimeOffset At, string Kind, string? Actor, string? Subject, string Detail);
