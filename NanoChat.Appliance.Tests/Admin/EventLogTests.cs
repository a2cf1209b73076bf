using System.Net.Http.Json;
using NanoChat.Appliance.Admin;
using NanoChat.Appliance.Storage;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Admin;

public sealed class EventLogTests : IAsyncLifetime
{
    private ApplianceServer _server = null!;

    public async Task InitializeAsync() => _server = await ApplianceServer.StartAsync(configure: options => options.NightlyBackupHour = -1);
    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Sign_ins_failed_sign_ins_and_instructor_actions_are_recorded_without_passwords()
    {
        using var instructor = await _server.SignUpAsync("teacher");
        using var anonymous = _server.Client();
        await anonymous.PostAsJsonAsync("/api/auth/login", new { username = "teacher", password = "wrong password here" });
        await instructor.Http.PostAsJsonAsync("/api/admin/users", new { users = new[] { new { username = "newbie", password = "secret-password-1" } } });
        _server.Services.GetRequiredService<EventLog>().KernelEnded("newbie", "killed: out of memory");

        var events = (await (await instructor.Http.GetAsync("/api/admin/events")).ReadJsonAsync()).AsArray();
        Assert.Contains(events, item => (string?)item!["kind"] == "registered" && (string?)item["actor"] == "teacher");
        Assert.Contains(events, item => (string?)item!["kind"] == "sign-in" && (string?)item["actor"] == "teacher");
        Assert.Contains(events, item => (string?)item!["kind"] == "failed-sign-in" && (string?)item["subject"] == "teacher");
        Assert.Contains(events, item => (string?)item!["kind"] == "instructor" && ((string?)item["detail"])!.Contains("created student newbie", StringComparison.Ordinal));
        Assert.Contains(events, item => (string?)item!["kind"] == "kernel-ended" && (string?)item["detail"] == "killed: out of memory");
        Assert.DoesNotContain("secret-password-1", events.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("wrong password here", events.ToJsonString(), StringComparison.Ordinal);

        var page = await (await instructor.Http.GetAsync("/admin/events?kind=failed-sign-in")).Content.ReadAsStringAsync();
        Assert.Contains("failed-sign-in", page, StringComparison.Ordinal);
        Assert.DoesNotContain("created student newbie", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_events_table_keeps_only_the_newest_rows()
    {
        var database = _server.Services.GetRequiredService<Database>();
        database.Write((connection, transaction) =>
        {
            for (var n = 0; n < EventLog.MaxEvents + 50; n++)
                connection.Execute("INSERT INTO events (at, kind, detail) VALUES (0, 'backup', $d)", transaction, ("$d", $"old {n}"));
        });
        _server.Services.GetRequiredService<EventLog>().Record(EventLog.Kinds.Backup, "test", null, "newest");
        var count = database.Read(connection => (long)connection.Scalar("SELECT COUNT(*) FROM events")!);
        Assert.Equal(EventLog.MaxEvents, count);
        Assert.Equal("newest", _server.Services.GetRequiredService<EventLog>().Recent(1)[0].Detail);
        await Task.CompletedTask;
    }
}
