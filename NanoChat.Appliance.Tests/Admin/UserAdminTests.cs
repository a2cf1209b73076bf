using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using NanoChat.Appliance.Admin;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Admin;

public sealed class UserAdminTests : IAsyncLifetime
{
    private readonly RecordingKernelControl _kernels = new();
    private ApplianceServer _server = null!;

    public async Task InitializeAsync() => _server = await ApplianceServer.StartAsync(
        configure: options => options.NightlyBackupHour = -1,
        configureBuilder: builder => builder.Services.AddSingleton<IKernelControl>(_kernels));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Bulk_creation_of_30_accounts_answers_passwords_that_work_once_shown()
    {
        using var instructor = await _server.SignUpAsync("teacher");
        var users = Enumerable.Range(1, 30).Select(n => new JsonObject { ["username"] = $"student{n:00}" }).ToList();
        users[0]["password"] = "chosen by the teacher";
        users[1]["role"] = "instructor";
        var response = await instructor.Http.PostAsync("/api/admin/users", Json.Body(new JsonObject { ["users"] = new JsonArray([.. users]) }.ToJsonString()));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = (await response.ReadJsonAsync()).AsArray();
        Assert.Equal(30, created.Count);
        Assert.Equal("chosen by the teacher", (string?)created[0]!["password"]);
        Assert.Equal("instructor", (string?)created[1]!["role"]);
        Assert.All(created.Skip(2), user => Assert.Equal("student", (string?)user!["role"]));
        Assert.Equal(30, created.Select(user => (string?)user!["password"]).Distinct().Count());
        Assert.All(created, user => Assert.True(((string?)user!["password"])!.Length >= 8));

        foreach (var user in created)
        {
            using var signedIn = await _server.SignInAsync((string)user!["username"]!, (string)user["password"]!);
            Assert.Equal((long)user["id"]!, signedIn.Id);
        }
        // The list never shows a password again.
        var list = await (await instructor.Http.GetAsync("/api/admin/users")).ReadJsonAsync();
        Assert.Equal(31, list.AsArray().Count);
        Assert.All(list.AsArray(), user => Assert.False(user!.AsObject().ContainsKey("password")));
    }

    [Fact]
    public async Task A_bad_or_taken_name_creates_nothing_and_names_every_problem()
    {
        using var instructor = await _server.SignUpAsync("teacher");
        var bad = await instructor.Http.PostAsJsonAsync("/api/admin/users", new { users = new object[] { new { username = "ok-name" }, new { username = "no spaces" }, new { username = "short", password = "x" }, new { username = "ok-name" } } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var problems = (await bad.ReadJsonAsync())["problems"]!.AsArray().Select(problem => (string)problem!).ToList();
        Assert.Contains(problems, problem => problem.Contains("'no spaces'", StringComparison.Ordinal));
        Assert.Contains(problems, problem => problem.Contains("'short'", StringComparison.Ordinal) && problem.Contains("at least 8", StringComparison.Ordinal));
        Assert.Contains(problems, problem => problem.Contains("twice", StringComparison.Ordinal));
        var taken = await instructor.Http.PostAsJsonAsync("/api/admin/users", new { users = new[] { new { username = "TEACHER" } } });
        Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        Assert.Single((await (await instructor.Http.GetAsync("/api/admin/users")).ReadJsonAsync()).AsArray());
    }

    [Fact]
    public async Task Disable_revokes_every_session_stops_the_worker_and_refuses_sign_in()
    {
        using var instructor = await _server.SignUpAsync("teacher");
        using var student = await _server.SignUpAsync("sam");
        using var secondTab = await _server.SignInAsync("sam");
        Assert.Equal(HttpStatusCode.OK, (await student.Http.GetAsync("/api/me")).StatusCode);

        var disable = await instructor.Http.PatchAsJsonAsync($"/api/admin/users/{student.Id}", new { disabled = true });
        Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        Assert.True((bool)(await disable.ReadJsonAsync())["disabled"]!);
        Assert.Equal(HttpStatusCode.Unauthorized, (await student.Http.GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await secondTab.Http.GetAsync("/api/projects")).StatusCode);
        using var anonymous = _server.Client();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/auth/login", new { username = "sam", password = "correct horse battery" })).StatusCode);
        Assert.Contains(_kernels.Calls, call => call.Action == "stop" && call.UserId == student.Id && call.Reason!.Contains("disabled", StringComparison.Ordinal));

        await instructor.Http.PatchAsJsonAsync($"/api/admin/users/{student.Id}", new { disabled = false });
        using var back = await _server.SignInAsync("sam");
        Assert.Equal(HttpStatusCode.OK, (await back.Http.GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task Reset_password_signs_the_user_out_and_the_new_password_works()
    {
        using var instructor = await _server.SignUpAsync("teacher");
        using var student = await _server.SignUpAsync("rita");
        var reset = await (await instructor.Http.PatchAsJsonAsync($"/api/admin/users/{student.Id}", new { resetPassword = true })).ReadJsonAsync();
        var password = (string)reset["password"]!;
        Assert.Equal(HttpStatusCode.Unauthorized, (await student.Http.GetAsync("/api/me")).StatusCode);
        using var again = await _server.SignInAsync("rita", password);
        Assert.Equal(student.Id, again.Id);
    }

    [Fact]
    public async Task An_instructor_cannot_disable_demote_or_delete_themselves()
    {
        using var instructor = await _server.SignUpAsync("teacher");
        Assert.Equal(HttpStatusCode.BadRequest, (await instructor.Http.PatchAsJsonAsync($"/api/admin/users/{instructor.Id}", new { disabled = true })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await instructor.Http.PatchAsJsonAsync($"/api/admin/users/{instructor.Id}", new { role = "student" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await instructor.Http.DeleteAsync($"/api/admin/users/{instructor.Id}?confirm=teacher")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await instructor.Http.GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task Delete_needs_the_name_as_confirmation_and_removes_notebooks_and_workspace()
    {
        using var instructor = await _server.SignUpAsync("teacher");
        using var student = await _server.SignUpAsync("dora");
        var project = await (await student.Http.PostAsJsonAsync("/api/projects", new { name = "Mine" })).ReadJsonAsync();
        await student.Http.PostAsJsonAsync($"/api/projects/{project["id"]}/notebooks", new { name = "Work" });
        var workspace = Path.Combine(_server.Options.WorkspacesDirectory, student.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(Path.Combine(workspace, "data"));
        await File.WriteAllTextAsync(Path.Combine(workspace, "data", "notes.txt"), "hello");

        Assert.Equal(HttpStatusCode.BadRequest, (await instructor.Http.DeleteAsync($"/api/admin/users/{student.Id}")).StatusCode);
        Assert.True(Directory.Exists(workspace));
        Assert.Equal(HttpStatusCode.NoContent, (await instructor.Http.DeleteAsync($"/api/admin/users/{student.Id}?confirm=dora")).StatusCode);
        Assert.False(Directory.Exists(workspace));
        Assert.Equal(HttpStatusCode.Unauthorized, (await student.Http.GetAsync("/api/me")).StatusCode);
        var database = _server.Services.GetRequiredService<NanoChat.Appliance.Storage.Database>();
        Assert.Equal(0L, database.Read(connection => (long)NanoChat.Appliance.Storage.SqliteCommandExtensions.Scalar(connection, "SELECT COUNT(*) FROM notebooks WHERE owner_id = $o", null, ("$o", student.Id))!));
        Assert.Equal(HttpStatusCode.NotFound, (await instructor.Http.DeleteAsync($"/api/admin/users/{student.Id}?confirm=dora")).StatusCode);
        Assert.Contains(_kernels.Calls, call => call.Action == "stop" && call.UserId == student.Id);
    }

    [Fact]
    public async Task Closing_registration_from_the_console_refuses_new_sign_ups()
    {
        using var instructor = await _server.SignUpAsync("teacher");
        Assert.Equal(HttpStatusCode.OK, (await instructor.Http.PutAsJsonAsync("/api/admin/registration", new { open = false })).StatusCode);
        using var anonymous = _server.Client();
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.PostAsJsonAsync("/api/auth/register", new { username = "late", password = "correct horse battery" })).StatusCode);
        var created = await instructor.Http.PostAsJsonAsync("/api/admin/users", new { users = new[] { new { username = "late" } } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }
}
