using System.Net;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Admin;

/// <summary>
/// A backup made on the console can be downloaded from it: instructors only, the file as it is on
/// disk under its own name, and nothing but the listed backups (no way to another file of the box).
/// </summary>
public sealed class BackupDownloadTests : IAsyncLifetime
{
    private ApplianceServer _server = null!;

    public async Task InitializeAsync() => _server = await ApplianceServer.StartAsync(configure: options =>
    {
        options.NightlyBackupHour = -1;
        options.BackupDirectory = TempFolders.Create("download-backups");
    });

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        TempFolders.Delete(_server.Options.BackupDirectoryFullPath);
    }

    [Fact]
    public async Task A_backup_downloads_whole_under_its_own_name_for_instructors_only()
    {
        using var teacher = await _server.SignUpAsync("teacher");
        using var amy = await _server.SignUpAsync("amy");
        Assert.Equal(HttpStatusCode.Created, (await teacher.Http.PostAsync("/api/admin/backups", null)).StatusCode);
        var name = (string)(await (await teacher.Http.GetAsync("/api/admin/backups")).ReadJsonAsync())["backups"]![0]!["name"]!;
        var onDisk = await File.ReadAllBytesAsync(Path.Combine(_server.Options.BackupDirectoryFullPath, name));

        foreach (var route in new[] { $"/api/admin/backups/{name}", $"/admin/backups/{name}" })
        {
            using var response = await teacher.Http.GetAsync(route, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/gzip", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(name, response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
            Assert.Equal("bytes", response.Headers.AcceptRanges.Single()); // a broken download resumes
            Assert.Equal(onDisk, await response.Content.ReadAsByteArrayAsync());
        }
        // The console lists it with its link.
        Assert.Contains($"href=\"/admin/backups/{name}\"", await teacher.Http.GetStringAsync("/admin"), StringComparison.Ordinal);

        // Students and anonymous callers never get it; names that are not a listed backup are not found.
        Assert.Equal(HttpStatusCode.NotFound, (await amy.Http.GetAsync($"/api/admin/backups/{name}")).StatusCode);
        using (var anonymous = _server.Client())
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/admin/backups/{name}")).StatusCode);
        foreach (var other in new[] { "..%2Fappliance.db", "%2E%2E%2F%2E%2E%2Fsigning.key", "nanochat-x.tar.gz", "appliance.db" })
            Assert.Equal(HttpStatusCode.NotFound, (await teacher.Http.GetAsync($"/api/admin/backups/{other}")).StatusCode);
    }
}
