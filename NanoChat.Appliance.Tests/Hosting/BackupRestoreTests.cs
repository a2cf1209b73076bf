using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using NanoChat.Appliance.Hosting;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Hosting;

/// <summary>Backups of a running box (console button and `backup` command) restored with `restore` into an empty folder.</summary>
public sealed class BackupRestoreTests
{
    private static async Task<JsonArray> EverythingOfAsync(SignedInClient user)
    {
        var result = new JsonArray();
        foreach (var project in (await (await user.Http.GetAsync("/api/projects")).ReadJsonAsync()).AsArray())
        {
            foreach (var summary in (await (await user.Http.GetAsync($"/api/projects/{project!["id"]}/notebooks")).ReadJsonAsync()).AsArray())
            {
                var notebook = await (await user.Http.GetAsync($"/api/notebooks/{summary!["id"]}")).ReadJsonAsync();
                result.Add(new JsonObject { ["project"] = (string?)project["name"], ["notebook"] = notebook.DeepClone() });
            }
        }
        return result;
    }

    [Fact]
    public async Task Backup_then_restore_into_an_empty_folder_gives_the_same_users_notebooks_and_workspaces()
    {
        var backups = TempFolders.Create("backups");
        var restored = TempFolders.Create("restored");
        string consoleBackup, commandBackup;
        JsonNode usersBefore;
        JsonArray adaBefore, teacherBefore;
        await using (var server = await ApplianceServer.StartAsync(configure: options => { options.NightlyBackupHour = -1; options.BackupDirectory = backups; }))
        {
            using var teacher = await server.SignUpAsync("teacher");
            using var ada = await server.SignUpAsync("ada", "ada's long password");
            await teacher.Http.PostAsJsonAsync("/api/admin/users", new { users = new[] { new { username = "bob", password = "bob's long password" } } });
            var project = await (await ada.Http.PostAsJsonAsync("/api/projects", new { name = "Homework" })).ReadJsonAsync();
            var notebook = await (await ada.Http.PostAsJsonAsync($"/api/projects/{project["id"]}/notebooks", new { name = "Ex 1", cells = new[] { new { type = "code", source = "print('ünïcode')" } } })).ReadJsonAsync();
            await ada.Http.PutAsJsonAsync($"/api/notebooks/{notebook["id"]}", new { revision = 1, cells = new[] { new { type = "code", source = "print(2)" } } });
            var teacherProject = await (await teacher.Http.PostAsJsonAsync("/api/projects", new { name = "Lessons" })).ReadJsonAsync();
            await teacher.Http.PostAsJsonAsync($"/api/projects/{teacherProject["id"]}/notebooks", new { name = "Week 1" });
            var workspace = Path.Combine(server.Options.WorkspacesDirectory, "ada", "data");
            Directory.CreateDirectory(workspace);
            await File.WriteAllTextAsync(Path.Combine(workspace, "corpus.txt"), "tokens");
            // A venv in a workspace links to the system python (outside) and within itself.
            File.CreateSymbolicLink(Path.Combine(workspace, "python3"), "/usr/bin/python3");
            File.CreateSymbolicLink(Path.Combine(workspace, "latest.txt"), "corpus.txt");

            var button = await teacher.Http.PostAsync("/api/admin/backups", null);
            Assert.Equal(HttpStatusCode.Created, button.StatusCode);
            consoleBackup = (string)(await button.ReadJsonAsync())["path"]!;
            Assert.StartsWith(backups, consoleBackup, StringComparison.Ordinal);

            // The command works while the server runs.
            commandBackup = Path.Combine(TempFolders.Create("cli"), "box.tar.gz");
            Assert.Equal(0, BackupCommand.Run([commandBackup, "--data", server.Options.DataDirectory]));
            Assert.NotEqual(0, BackupCommand.Run([commandBackup, "--data", server.Options.DataDirectory])); // never overwrites

            usersBefore = await (await teacher.Http.GetAsync("/api/admin/users")).ReadJsonAsync();
            adaBefore = await EverythingOfAsync(ada);
            teacherBefore = await EverythingOfAsync(teacher);
        }

        Assert.Equal(0, RestoreCommand.Run([consoleBackup, "--data", restored]));
        // Never into a folder that holds anything.
        Assert.Equal(CommandLine.UsageError, RestoreCommand.Run([commandBackup, "--data", restored]));

        foreach (var (archive, folder) in new[] { (consoleBackup, restored), (commandBackup, Path.Combine(TempFolders.Create("restored-cli"), "data")) })
        {
            if (folder != restored)
                Assert.Equal(0, RestoreCommand.Run([archive, "--data", folder]));
            Assert.Equal("tokens", await File.ReadAllTextAsync(Path.Combine(folder, "workspaces", "ada", "data", "corpus.txt")));
            Assert.Equal("/usr/bin/python3", new FileInfo(Path.Combine(folder, "workspaces", "ada", "data", "python3")).LinkTarget);
            Assert.Equal("tokens", await File.ReadAllTextAsync(Path.Combine(folder, "workspaces", "ada", "data", "latest.txt")));
            await using var again = await ApplianceServer.StartAsync(folder, options => options.NightlyBackupHour = -1);
            using var teacher = await again.SignInAsync("teacher");
            using var ada = await again.SignInAsync("ada", "ada's long password");
            using var bob = await again.SignInAsync("bob", "bob's long password");
            Assert.Equal(usersBefore.ToJsonString(), (await (await teacher.Http.GetAsync("/api/admin/users")).ReadJsonAsync()).ToJsonString());
            Assert.Equal(adaBefore.ToJsonString(), (await EverythingOfAsync(ada)).ToJsonString());
            Assert.Equal(teacherBefore.ToJsonString(), (await EverythingOfAsync(teacher)).ToJsonString());
            Assert.Equal(2L, (long)adaBefore[0]!["notebook"]!["revision"]!);
        }
    }

    [Fact]
    public async Task Console_backups_keep_only_the_configured_number_and_restore_refuses_junk()
    {
        var backups = TempFolders.Create("backups");
        await using var server = await ApplianceServer.StartAsync(configure: options => { options.NightlyBackupHour = -1; options.BackupDirectory = backups; options.BackupsKept = 2; });
        using var teacher = await server.SignUpAsync("teacher");
        for (var n = 0; n < 3; n++)
            Assert.Equal(HttpStatusCode.Created, (await teacher.Http.PostAsync("/api/admin/backups", null)).StatusCode);
        var listed = (await (await teacher.Http.GetAsync("/api/admin/backups")).ReadJsonAsync())["backups"]!.AsArray();
        Assert.Equal(2, listed.Count);
        Assert.Equal(2, Directory.GetFiles(backups, "*.tar.gz").Length);
        Assert.Empty(Directory.GetFiles(backups, "*.partial"));

        var junk = Path.Combine(TempFolders.Create("junk"), "not-a-backup.tar.gz");
        await File.WriteAllTextAsync(junk, "hello");
        Assert.Equal(CommandLine.UsageError, RestoreCommand.Run([junk, "--data", Path.Combine(TempFolders.Create("r"), "data")]));
        Assert.Equal(CommandLine.UsageError, RestoreCommand.Run([junk]));

        // An archive with an entry that climbs out of the folder is refused, and nothing lands outside.
        var outside = TempFolders.Create("outside");
        var evil = Path.Combine(outside, "evil.tar.gz");
        using (var file = File.Create(evil))
        using (var gzip = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.Fastest))
        using (var tar = new System.Formats.Tar.TarWriter(gzip))
        {
            tar.WriteEntry(new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, "../escaped.txt") { DataStream = new MemoryStream([1, 2, 3]) });
        }
        var into = Path.Combine(outside, "data");
        Assert.Equal(CommandLine.UsageError, RestoreCommand.Run([evil, "--data", into]));
        Assert.False(File.Exists(Path.Combine(outside, "escaped.txt")));
    }

    [Fact]
    public void The_nightly_backup_waits_for_the_next_configured_hour()
    {
        var evening = new DateTimeOffset(2026, 3, 1, 22, 30, 0, TimeSpan.FromHours(1));
        Assert.Equal(TimeSpan.FromHours(3.5), NanoChat.Appliance.Admin.NightlyBackup.UntilNext(evening, 2));
        var early = new DateTimeOffset(2026, 3, 1, 1, 0, 0, TimeSpan.Zero);
        Assert.Equal(TimeSpan.FromHours(1), NanoChat.Appliance.Admin.NightlyBackup.UntilNext(early, 2));
        Assert.Equal(TimeSpan.FromDays(1), NanoChat.Appliance.Admin.NightlyBackup.UntilNext(new DateTimeOffset(2026, 3, 1, 2, 0, 0, TimeSpan.Zero), 2));
    }
}
