using Microsoft.Data.Sqlite;

namespace NanoChat.Appliance.Storage;

/// <summary>
/// The appliance's one SQLite file. Hands out short-lived connections with the pragmas every
/// connection needs (WAL, busy_timeout, foreign keys) and runs writes in BEGIN IMMEDIATE
/// transactions, so concurrent writers queue on the lock instead of failing with "database is locked".
/// Lives as long as the web process (singleton); connections are pooled by Microsoft.Data.Sqlite.
/// </summary>
public sealed class Database
{
    /// <summary>How long a writer waits for another writer before giving up (ms).</summary>
    public const int BusyTimeoutMs = 10_000;

    private readonly string _connectionString;
    // The SQLite handles already configured; an entry goes when its handle is collected.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<SQLitePCL.sqlite3, object> _configured = [];
    private static readonly object Configured = new();

    public Database(string path)
    {
        FilePath = path;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = BusyTimeoutMs / 1000,
        }.ToString();
    }

    public string FilePath { get; }

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        // A pooled connection keeps its settings: set them once per SQLite handle, not on every
        // request (three statements that every page and every cell used to pay).
        if (!_configured.TryGetValue(connection.Handle!, out _))
        {
            using var pragmas = connection.CreateCommand();
            pragmas.CommandText = $"PRAGMA busy_timeout = {BusyTimeoutMs}; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;";
            pragmas.ExecuteNonQuery();
            _configured.AddOrUpdate(connection.Handle!, Configured);
        }
        return connection;
    }

    /// <summary>Runs <paramref name="work"/> in a BEGIN IMMEDIATE transaction and commits it.</summary>
    public T Write<T>(Func<SqliteConnection, SqliteTransaction, T> work)
    {
        using var connection = Open();
        // deferred: false → BEGIN IMMEDIATE: take the write lock up front (security.md).
        using var transaction = connection.BeginTransaction(deferred: false);
        var result = work(connection, transaction);
        transaction.Commit();
        return result;
    }

    public void Write(Action<SqliteConnection, SqliteTransaction> work) =>
        Write<object?>((connection, transaction) => { work(connection, transaction); return null; });

    public T Read<T>(Func<SqliteConnection, T> work)
    {
        using var connection = Open();
        return work(connection);
    }

    /// <summary>Switches the file to WAL once (the mode is stored in the file) and applies migrations.</summary>
    public void Initialize()
    {
        using var connection = Open();
        using (var wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode = WAL;";
            wal.ExecuteScalar();
        }
        Migrations.Apply(connection);
    }
}
