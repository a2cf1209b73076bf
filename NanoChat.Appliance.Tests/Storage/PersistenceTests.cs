using System.Net;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using NanoChat.Appliance.Storage;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Storage;

public sealed class PersistenceTests
{
    [Fact]
    public async Task Data_and_sign_ins_survive_a_restart_of_the_server()
    {
        var data = TempFolders.Create("data");
        string token;
        long notebookId;
        await using (var first = await ApplianceServer.StartAsync(data))
        {
            first.KeepData = true;
            using var user = await first.SignUpAsync("paula");
            token = user.Token;
            var project = await (await user.Http.PostAsJsonAsync("/api/projects", new { name = "Kept" })).ReadJsonAsync();
            notebookId = (long)(await (await user.Http.PostAsJsonAsync($"/api/projects/{project["id"]}/notebooks", new { name = "Notes" })).ReadJsonAsync())["id"]!;
            Assert.Equal(HttpStatusCode.OK, (await user.Http.PutAsJsonAsync($"/api/notebooks/{notebookId}",
                new { revision = 1, cells = new[] { new { id = "c", type = "code", source = "x = 42" } } })).StatusCode);
        }

        await using var second = await ApplianceServer.StartAsync(data);
        using var client = second.Client();
        client.DefaultRequestHeaders.Authorization = new("Bearer", token); // same signing key from DATA
        var notebook = await (await client.GetAsync($"/api/notebooks/{notebookId}")).ReadJsonAsync();
        Assert.Equal("x = 42", (string?)notebook["cells"]![0]!["source"]);
        Assert.Equal(2, (long)notebook["revision"]!);
    }

    [Fact]
    public async Task Database_uses_wal_foreign_keys_and_the_latest_schema_and_the_key_is_private()
    {
        await using var server = await ApplianceServer.StartAsync();
        var database = server.Services.GetRequiredService<Database>();
        using var connection = database.Open();
        Assert.Equal("wal", connection.Scalar("PRAGMA journal_mode") as string);
        Assert.Equal(1L, connection.Scalar("PRAGMA foreign_keys"));
        Assert.Equal((long)Migrations.LatestVersion, connection.Scalar("PRAGMA user_version"));
        Assert.True((long)connection.Scalar("PRAGMA busy_timeout")! >= 5000);
        var mode = File.GetUnixFileMode(server.Options.SigningKeyPath);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
    }

    [Fact]
    public async Task Every_connection_has_the_settings_whether_new_or_taken_from_the_pool()
    {
        await using var server = await ApplianceServer.StartAsync();
        var database = server.Services.GetRequiredService<Database>();
        // Several open at once (new handles), then again after they went back to the pool (reused).
        for (var round = 0; round < 2; round++)
        {
            var connections = Enumerable.Range(0, 3).Select(_ => database.Open()).ToList();
            foreach (var connection in connections)
            {
                Assert.Equal(1L, connection.Scalar("PRAGMA foreign_keys"));
                Assert.Equal((long)Database.BusyTimeoutMs, connection.Scalar("PRAGMA busy_timeout"));
                Assert.Equal(1L, connection.Scalar("PRAGMA synchronous")); // NORMAL
            }
            connections.ForEach(connection => connection.Dispose());
        }
    }

    [Fact]
    public async Task A_locked_database_gives_a_clear_503_after_waiting_loses_nothing_and_the_server_keeps_serving()
    {
        await using var server = await ApplianceServer.StartAsync();
        using var user = await server.SignUpAsync("quinn");
        var project = await (await user.Http.PostAsJsonAsync("/api/projects", new { name = "Before" })).ReadJsonAsync();

        // Another connection holds the write lock past busy_timeout (a stuck backup script, say).
        using (var blocker = new SqliteConnection($"Data Source={server.Options.DatabasePath}"))
        {
            blocker.Open();
            using var begin = blocker.CreateCommand();
            begin.CommandText = "BEGIN EXCLUSIVE;";
            begin.ExecuteNonQuery();
            var sw = System.Diagnostics.Stopwatch.StartNew();
            var blocked = await user.Http.PostAsJsonAsync("/api/projects", new { name = "During" });
            Assert.Equal(HttpStatusCode.ServiceUnavailable, blocked.StatusCode);
            Assert.Contains("nothing was saved", (string?)(await blocked.ReadJsonAsync())["detail"], StringComparison.Ordinal);
            Assert.True(sw.Elapsed >= TimeSpan.FromSeconds(5), "the writer waited for the lock before giving up");
            using var rollback = blocker.CreateCommand();
            rollback.CommandText = "ROLLBACK;";
            rollback.ExecuteNonQuery();
        }

        var after = await user.Http.PostAsJsonAsync("/api/projects", new { name = "After" });
        Assert.Equal(HttpStatusCode.Created, after.StatusCode);
        var names = (await (await user.Http.GetAsync("/api/projects")).ReadJsonAsync()).AsArray().Select(p => (string?)p!["name"]).ToList();
        Assert.Equal(["After", "Before"], names);
        Assert.Equal("Before", (string?)project["name"]);
    }
}
