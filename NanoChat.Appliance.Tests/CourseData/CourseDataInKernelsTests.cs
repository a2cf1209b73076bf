using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using NanoChat.Appliance.CourseData;
using NanoChat.Appliance.Tests.Infrastructure;
using NanoChat.Appliance.Tests.Kernels;

namespace NanoChat.Appliance.Tests.CourseData;

/// <summary>
/// What students see of staged data, from real cells: one copy read by two students' kernels where
/// nanochat looks, read-only, while their own checkpoints stay writable; a replaced item is seen by
/// kernels started afterwards; the API stages an upload and a folder.
/// </summary>
[Collection(PythonKernelCollection.Name)]
public sealed class CourseDataInKernelsTests
{
    private const string Probe = """
        import os
        base = os.environ['NANOCHAT_BASE_DIR']
        shards = os.path.join(base, 'base_data_climbmix')
        print(sorted(os.listdir(shards)), open(os.path.join(shards, 'shard_00001.parquet')).read())
        print(open(os.path.join(base, 'tokenizer', 'tokenizer.pkl')).read(), sorted(os.listdir('/run/course')))
        for attempt in (lambda: open(os.path.join(shards, 'shard_00000.parquet'), 'w'), lambda: os.remove(os.path.join(shards, 'shard_00001.parquet')),
                        lambda: open(os.path.join(shards, 'new.parquet'), 'w'), lambda: open('/run/course/tok/tokenizer.pkl', 'a')):
            try:
                attempt()
                print('changed!')
            except OSError as error:
                print(error.strerror)
        os.makedirs(os.path.join(base, 'base_checkpoints', 'd4'), exist_ok=True)
        open(os.path.join(base, 'base_checkpoints', 'd4', 'model_000010.pt'), 'w').write('mine')
        print(os.environ.get('HF_HUB_OFFLINE'), os.environ.get('HF_HUB_CACHE'))
        """;

    [Fact]
    public async Task Two_students_read_one_staged_copy_where_nanochat_looks_and_cannot_change_it()
    {
        await using var session = await KernelSession.StartAsync();
        var store = session.Server.Services.GetRequiredService<CourseStore>();
        var staging = session.Server.Services.GetRequiredService<CourseStaging>();
        var sources = TempFolders.Create("course-sources");
        try
        {
            foreach (var (folder, file, text) in new[] { ("part1", "shard_00000.parquet", "zero"), ("part2", "shard_00001.parquet", "one"), ("tok", "tokenizer.pkl", "tokenizer v1"), ("hub", "models--x/blob", "kernel") })
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(sources, folder, file))!);
                File.WriteAllText(Path.Combine(sources, folder, file), text);
            }
            await staging.AddAsync(Path.Combine(sources, "part1"), CourseItemKind.Shards, null, null, null, CancellationToken.None);
            await staging.AddAsync(Path.Combine(sources, "part2"), CourseItemKind.Shards, null, null, null, CancellationToken.None);
            await staging.AddAsync(Path.Combine(sources, "tok"), CourseItemKind.Tokenizer, null, null, null, CancellationToken.None);
            await staging.AddAsync(Path.Combine(sources, "hub"), CourseItemKind.HubCache, null, null, null, CancellationToken.None);
            using var bob = await session.Server.SignUpAsync("bob");

            foreach (var (http, notebook, id) in new[] { (session.Http, session.NotebookId, session.Student.Id), (bob.Http, await KernelSession.CreateNotebookAsync(bob.Http), bob.Id) })
            {
                var run = await KernelSession.RunAsync(http, notebook, Probe);
                Assert.True(run.Status == "ok", run.ToString());
                Assert.Equal("""
                    ['shard_00000.parquet', 'shard_00001.parquet'] one
                    tokenizer v1 ['hub', 'part1', 'part2', 'tok']
                    Read-only file system
                    Read-only file system
                    Read-only file system
                    Permission denied
                    1 /run/course/hub

                    """.ReplaceLineEndings("\n"), run.Stdout);
                var workspace = Path.Combine(session.Server.Options.WorkspacesDirectory, id.ToString(System.Globalization.CultureInfo.InvariantCulture));
                Assert.Equal("mine", File.ReadAllText(Path.Combine(workspace, ".cache", "nanochat", "base_checkpoints", "d4", "model_000010.pt")));
                Assert.Empty(Directory.GetFiles(Path.Combine(workspace, ".cache", "nanochat", "base_data_climbmix"))); // a mount point, not a copy
            }
            Assert.Equal("zero", File.ReadAllText(Path.Combine(store.FolderOf("part1"), "shard_00000.parquet")));

            // Replaced while kernels run: the next kernel sees the new tokenizer.
            File.WriteAllText(Path.Combine(sources, "tok", "tokenizer.pkl"), "tokenizer v2");
            await staging.AddAsync(Path.Combine(sources, "tok"), CourseItemKind.Tokenizer, null, null, null, CancellationToken.None);
            (await session.Http.PostAsync("/api/kernel/restart", null)).EnsureSuccessStatusCode();
            var after = await session.RunAsync("import os; print(open(os.environ['NANOCHAT_BASE_DIR'] + '/tokenizer/tokenizer.pkl').read())");
            Assert.Equal("tokenizer v2\n", after.Stdout);
        }
        finally
        {
            TempFolders.Delete(sources);
        }
    }

    [Fact]
    public async Task The_api_stages_an_upload_and_lists_and_removes_items()
    {
        await using var server = await ApplianceServer.StartAsync();
        using var teacher = await server.SignUpAsync("teacher");
        using var student = await server.SignUpAsync("amy");

        using var form = new MultipartFormDataContent();
        form.Add(new StringContent("task-data"), "kind");
        var file = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes("{\"rows\": 1}"));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", "../../gsm8k.json");
        var accepted = await teacher.Http.PostAsync("/api/admin/course-data/upload", form);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var job = await accepted.ReadJsonAsync();
        for (var tries = 0; (string?)job["state"] == "running" && tries < 100; tries++)
        {
            await Task.Delay(100);
            job = await (await teacher.Http.GetAsync($"/api/admin/course-data/jobs/{job["id"]}")).ReadJsonAsync();
        }
        Assert.True((string?)job["state"] == "done", job.ToJsonString());

        var items = (await (await teacher.Http.GetAsync("/api/admin/course-data")).ReadJsonAsync()).AsArray();
        var item = Assert.Single(items)!;
        Assert.Equal("gsm8k.json", (string)item["name"]!);
        Assert.Equal("task-data", (string)item["kind"]!);
        Assert.True((long)item["sizeBytes"]! > 0);
        Assert.NotNull(item["addedAt"]);
        var store = server.Services.GetRequiredService<CourseStore>();
        Assert.Equal("{\"rows\": 1}", File.ReadAllText(Path.Combine(store.FolderOf("gsm8k.json"), "gsm8k.json")));
        Assert.Empty(Directory.GetDirectories(Path.Combine(store.Root, "uploads")));

        var bad = await teacher.Http.PostAsJsonAsync("/api/admin/course-data", new { source = "/nowhere", kind = "weights" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("shards, tokenizer, eval-bundle, task-data, tiktoken, hub-cache, checkpoint, files", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NotFound, (await student.Http.GetAsync("/api/admin/course-data")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await student.Http.DeleteAsync("/api/admin/course-data/gsm8k.json")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await teacher.Http.DeleteAsync("/api/admin/course-data/gsm8k.json")).StatusCode);
        Assert.Empty((await (await teacher.Http.GetAsync("/api/admin/course-data")).ReadJsonAsync()).AsArray());
    }
}
