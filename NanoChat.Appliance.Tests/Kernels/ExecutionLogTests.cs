using System.Net.Http.Json;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Kernels;

/// <summary>Execution logs: replay with Last-Event-ID, a closed tab does not stop a run, re-attach after reload, bounded stored copy.</summary>
[Collection(PythonKernelCollection.Name)]
public sealed class ExecutionLogTests
{
    [Fact]
    public async Task A_closed_tab_loses_nothing_and_replay_resumes_after_Last_Event_ID()
    {
        await using var session = await KernelSession.StartAsync();
        // Read only the first event, then drop the connection (the tab closes).
        long executionId;
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/api/execute/stream") { Content = JsonContent.Create(new { notebookId = session.NotebookId, cellId = "c1", code = "import time\nfor i in range(5):\n    print(i, flush=True)\n    time.sleep(0.2)\n'finished'" }) })
        using (var response = await session.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
        {
            var first = await KernelSession.ReadEventsAsync(await response.Content.ReadAsStreamAsync(), stopAfter: 1);
            Assert.Equal("execution", (string?)first[0].Data["type"]);
            executionId = (long)first[0].Data["executionId"]!;
        }

        // Re-attach like a reloaded page: find the cell's latest execution, then follow it to the end.
        var latest = await (await session.Http.GetAsync($"/api/notebooks/{session.NotebookId}/executions")).ReadJsonAsync();
        Assert.Equal(executionId, (long)latest[0]!["id"]!);
        Assert.Equal("c1", (string?)latest[0]!["cellId"]);
        var all = await KernelSession.ReadEventsAsync(await session.Http.GetStreamAsync($"/api/executions/{executionId}/events"));
        var run = new CellRun(all);
        Assert.Equal("ok", run.Status);
        Assert.Equal("0\n1\n2\n3\n4\n", run.Stdout);
        Assert.Equal("'finished'", run.Result);
        Assert.Equal(Enumerable.Range(1, all.Count).Select(i => (long)i), all.Select(e => e.Id));

        // Resume after event 3: exactly the later events come back.
        using var resume = new HttpRequestMessage(HttpMethod.Get, $"/api/executions/{executionId}/events");
        resume.Headers.Add("Last-Event-ID", "3");
        using var resumed = await session.Http.SendAsync(resume);
        var rest = await KernelSession.ReadEventsAsync(await resumed.Content.ReadAsStreamAsync());
        Assert.Equal(all.Skip(3).Select(e => e.Id), rest.Select(e => e.Id));

        var stored = await (await session.Http.GetAsync($"/api/executions/{executionId}")).ReadJsonAsync();
        Assert.Equal("ok", (string?)stored["status"]);
        Assert.Equal("0\n1\n2\n3\n4\n", (string?)stored["outputs"]![0]!["text"]);

        using var bob = await session.Server.SignUpAsync("bob");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await bob.Http.GetAsync($"/api/executions/{executionId}/events")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await bob.Http.GetAsync($"/api/executions/{executionId}")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await bob.Http.GetAsync($"/api/notebooks/{session.NotebookId}/executions")).StatusCode);
    }

    [Fact]
    public async Task The_record_says_running_during_a_long_cell_and_every_finished_record_has_its_times()
    {
        await using var session = await KernelSession.StartAsync();
        var quick = await session.RunAsync("x = 1");
        var record = await (await session.Http.GetAsync($"/api/executions/{quick.ExecutionId}")).ReadJsonAsync();
        Assert.Equal("ok", (string?)record["status"]);
        Assert.NotNull(record["startedAt"]);
        Assert.True((DateTimeOffset)record["startedAt"]! <= (DateTimeOffset)record["finishedAt"]!);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/execute/stream") { Content = JsonContent.Create(new { notebookId = session.NotebookId, code = "import time\nprint('started', flush=True)\ntime.sleep(3)" }) };
        using var response = await session.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var stream = await response.Content.ReadAsStreamAsync();
        var first = await KernelSession.ReadEventsAsync(stream, stopAfter: 3); // execution, status running, stdout
        Assert.Equal("started\n", (string?)first[2].Data["text"]);
        var id = (long)first[0].Data["executionId"]!;
        await Task.Delay(700);
        var running = await (await session.Http.GetAsync($"/api/executions/{id}")).ReadJsonAsync();
        Assert.Equal("running", (string?)running["status"]);
        Assert.NotNull(running["startedAt"]);
        Assert.Null(running["finishedAt"]);
        var all = new CellRun(await KernelSession.ReadEventsAsync(await session.Http.GetStreamAsync($"/api/executions/{id}/events")));
        Assert.Equal("ok", all.Status);
        var finished = await (await session.Http.GetAsync($"/api/executions/{id}")).ReadJsonAsync();
        Assert.Equal("ok", (string?)finished["status"]);
        Assert.Equal((DateTimeOffset)running["startedAt"]!, (DateTimeOffset)finished["startedAt"]!);
    }

    [Fact]
    public async Task The_stored_copy_of_a_long_output_is_a_bounded_head_and_tail_while_the_log_keeps_everything()
    {
        await using var session = await KernelSession.StartAsync();
        var run = await session.RunAsync("for i in range(200000): print(i)");
        Assert.Equal(200000, run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        var stored = await (await session.Http.GetAsync($"/api/executions/{run.ExecutionId}")).ReadJsonAsync();
        var text = (string)stored["outputs"]![0]!["text"]!;
        Assert.True(text.Length < 140 * 1024, $"stored text is {text.Length} chars");
        Assert.StartsWith("0\n1\n2\n", text, StringComparison.Ordinal);
        Assert.EndsWith("199999\n", text, StringComparison.Ordinal);
        Assert.Contains("characters not shown", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Playing_with_a_slider_does_not_push_out_the_logs_of_the_students_cells()
    {
        await using var session = await KernelSession.StartAsync(options => options.Kernels.LogsKeptPerUser = 30);
        var cells = new List<long>();
        foreach (var cell in new[] { "c1", "c2", "c3" })
            cells.Add((await session.RunAsync($"print('{cell}')", cellId: cell)).ExecutionId);
        var shown = await session.RunAsync("from ipywidgets import interact\ninteract(lambda n=1: print(n), n=(1, 100));", cellId: "w");
        var widgetId = (string)shown.Displays.Single()["data"]!["application/vnd.nanochat.widget+json"]!["id"]!;
        for (var n = 1; n <= 60; n++)
            Assert.Equal("ok", (await KernelSession.PostEventsAsync(session.Http, $"/api/widgets/{widgetId}", new { notebookId = session.NotebookId, values = new { n } })).Status);
        var store = session.Server.Services.GetRequiredService<NanoChat.Appliance.Kernels.ExecutionStore>();
        store.PruneLogs(session.Student.Id);

        // Every cell's log still replays in full; of the 60 changes only the newest few logs are kept.
        foreach (var (id, cell) in cells.Zip(["c1", "c2", "c3"]))
            Assert.Equal($"{cell}\n", new CellRun(await KernelSession.ReadEventsAsync(await session.Http.GetStreamAsync($"/api/executions/{id}/events"))).Stdout);
        var logs = Directory.GetFiles(store.LogsFolder(session.Student.Id)).Length;
        Assert.Equal(4 + NanoChat.Appliance.Kernels.ExecutionStore.CelllessLogsKept, logs);
    }

    [Fact]
    public async Task A_users_logs_are_kept_within_their_byte_budget_newest_first()
    {
        await using var session = await KernelSession.StartAsync(options =>
        {
            options.Kernels.MaxLogBytesPerExecution = 1024 * 1024;
            options.Kernels.MaxLogBytesPerUser = 1024 * 1024;
        });
        var runs = new List<long>();
        for (var n = 0; n < 4; n++)
            runs.Add((await session.RunAsync("print('x' * 400_000)", cellId: $"c{n}")).ExecutionId);
        var store = session.Server.Services.GetRequiredService<NanoChat.Appliance.Kernels.ExecutionStore>();
        store.PruneLogs(session.Student.Id);

        // About 400 kB each: the newest two fit the 1 MiB budget, the older two are gone.
        var kept = Directory.GetFiles(store.LogsFolder(session.Student.Id)).Select(Path.GetFileNameWithoutExtension).ToHashSet();
        Assert.Equal(2, kept.Count);
        Assert.Equal(400_001, new CellRun(await KernelSession.ReadEventsAsync(await session.Http.GetStreamAsync($"/api/executions/{runs[^1]}/events"))).Stdout.Length);
    }
}
