using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using NanoChat.Appliance.Storage;

namespace NanoChat.Appliance.Accounts;

/// <summary>
/// Users and the registration switch in SQLite. The only place that reads password hashes.
/// Singleton; every call opens its own pooled connection.
/// </summary>
public sealed class UserStore(Database database, PasswordHashing hashing)
{
    private const string Columns = "id, username, role, security_stamp, disabled, created_at";
    private const string RegistrationKey = "registration_open";

    public static string NewSecurityStamp() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    private static User Map(SqliteDataReader reader) =>
        new(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4) != 0, reader.ReadTime(5));

    /// <summary>
    /// Creates a user. With <paramref name="role"/> null the first user becomes instructor and later
    /// ones students; the count and the insert share one IMMEDIATE transaction so two first sign-ups
    /// cannot both become instructor.
    /// </summary>
    public CreateUserResult Create(string username, string password, string? role = null)
    {
        var hash = hashing.Hash(password);
        try
        {
            return database.Write((connection, transaction) =>
            {
                var existing = Convert.ToInt64(connection.Scalar("SELECT COUNT(*) FROM users", transaction), System.Globalization.CultureInfo.InvariantCulture);
                var chosenRole = role ?? (existing == 0 ? Roles.Instructor : Roles.Student);
                var id = (long)connection.Scalar(
                    "INSERT INTO users (username, password_hash, role, security_stamp, created_at) VALUES ($u, $h, $r, $s, $t) RETURNING id",
                    transaction, ("$u", username), ("$h", hash), ("$r", chosenRole), ("$s", NewSecurityStamp()), ("$t", SqliteCommandExtensions.Now()))!;
                return new CreateUserResult(FindById(connection, transaction, id), null);
            });
        }
        catch (SqliteException error) when (error.SqliteExtendedErrorCode == 2067 /* SQLITE_CONSTRAINT_UNIQUE */)
        {
            return new CreateUserResult(null, $"The username '{username}' is taken.");
        }
    }

    public User? FindById(long id) => database.Read(connection => FindById(connection, null, id));

    private static User? FindById(SqliteConnection connection, SqliteTransaction? transaction, long id) =>
        connection.Query($"SELECT {Columns} FROM users WHERE id = $id", Map, transaction, ("$id", id)).FirstOrDefault();

    public User? FindByName(string username) =>
        database.Read(connection => connection.Query($"SELECT {Columns} FROM users WHERE username = $u", Map, null, ("$u", username)).FirstOrDefault());

    /// <summary>No account exists yet: the next one registered becomes the instructor.</summary>
    public bool IsEmpty => database.Read(connection => connection.Scalar("SELECT NOT EXISTS (SELECT 1 FROM users)") is long empty && empty != 0);

    public IReadOnlyList<User> All() =>
        database.Read(connection => connection.Query($"SELECT {Columns} FROM users ORDER BY username", Map));

    /// <summary>Checks a password; unknown users cost the same time as wrong passwords.</summary>
    public User? CheckPassword(string username, string password)
    {
        var row = database.Read(connection => connection.Query(
            $"SELECT {Columns}, password_hash FROM users WHERE username = $u",
            reader => (User: Map(reader), Hash: reader.GetString(6)), null, ("$u", username)).FirstOrDefault());
        var check = hashing.Verify(row.Hash, password);
        if (check == PasswordCheck.Wrong || row.User is null || row.User.Disabled)
            return null;
        if (check == PasswordCheck.RightButRehash)
            SetPassword(row.User.Id, password, rotateStamp: false);
        return row.User;
    }

    public void SetPassword(long userId, string password, bool rotateStamp = true)
    {
        var hash = hashing.Hash(password);
        database.Write((connection, transaction) => connection.Execute(
            rotateStamp
                ? "UPDATE users SET password_hash = $h, security_stamp = $s WHERE id = $id"
                : "UPDATE users SET password_hash = $h WHERE id = $id",
            transaction, ("$h", hash), ("$s", NewSecurityStamp()), ("$id", userId)));
    }

    /// <summary>A new security stamp makes every token issued before it invalid (logout everywhere).</summary>
    public void RotateSecurityStamp(long userId) =>
        database.Write((connection, transaction) => connection.Execute(
            "UPDATE users SET security_stamp = $s WHERE id = $id", transaction, ("$s", NewSecurityStamp()), ("$id", userId)));

    public void SetDisabled(long userId, bool disabled) =>
        database.Write((connection, transaction) => connection.Execute(
            "UPDATE users SET disabled = $d, security_stamp = $s WHERE id = $id",
            transaction, ("$d", disabled ? 1 : 0), ("$s", NewSecurityStamp()), ("$id", userId)));

    /// <summary>Changes the role; the new stamp signs the user out, since the role travels in the token.</summary>
    public void SetRole(long userId, string role) =>
        database.Write((connection, transaction) => connection.Execute(
            "UPDATE users SET role = $r, security_stamp = $s WHERE id = $id",
            transaction, ("$r", role), ("$s", NewSecurityStamp()), ("$id", userId)));

    public bool Delete(long userId) =>
        database.Write((connection, transaction) => connection.Execute("DELETE FROM users WHERE id = $id", transaction, ("$id", userId)) > 0);

    public bool RegistrationOpen
    {
        get => database.Read(connection => connection.Scalar("SELECT value FROM settings WHERE key = $k", null, ("$k", RegistrationKey)) as string) != "false";
        set => database.Write((connection, transaction) => connection.Execute(
            "INSERT INTO settings (key, value) VALUES ($k, $v) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            transaction, ("$k", RegistrationKey), ("$v", value ? "true" : "false")));
    }
}

public sealed record CreateUserResult(User? User, string? Conflict);
