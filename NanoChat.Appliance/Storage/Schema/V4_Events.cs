namespace NanoChat.Appliance.Storage.Schema;

/// <summary>
/// Version 2: the events the instructor console shows (sign-ins, failed sign-ins, instructor
/// actions, kernel starts and deaths). Kept bounded by <see cref="Admin.EventLog"/>; user ids are
/// not foreign keys, so an event outlives the account it names (the username is copied in).
/// </summary>
public sealed class V4_Events : ISchemaMigration
{
    public int Version => 4;

    public string Sql => """
        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            at INTEGER NOT NULL,
            kind TEXT NOT NULL,
            actor TEXT,
            subject TEXT,
            detail TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX events_at ON events(at);
        """;
}
