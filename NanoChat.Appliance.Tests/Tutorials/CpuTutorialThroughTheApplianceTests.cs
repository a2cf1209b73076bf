using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Tutorials;

/// <summary>
/// Skipped, with the reason, while this build has no kernel feature (no types in
/// NanoChat.Appliance.Kernels, so no <c>POST /api/execute/stream</c>); runs by itself once the
/// kernel branch is merged.
/// </summary>
public sealed class KernelFactAttribute : FactAttribute
{
    public KernelFactAttribute()
    {
        if (!typeof(Program).Assembly.GetTypes().Any(type => type.Namespace?.StartsWith("NanoChat.Appliance.Kernels", StringComparison.Ordinal) == true))
            Skip = "Needs the kernel feature (POST /api/execute/stream); this build has none yet.";
    }
}

/// <summary>
/// The issue's end-to-end test: a student opens the CPU tutorial from the catalog and runs every code
/// cell through the real execute route and real kernel; every cell must finish without an error, the
/// training's progress bar must end complete, the loss plot must arrive as an image, the sampling
/// controls must write again when moved, and the checkpoint must be saved. Budget: 10 minutes on CI.
/// </summary>
[Collection(NanoChat.Appliance.Tests.Kernels.PythonKernelCollection.Name)]
public sealed class CpuTutorialThroughTheApplianceTests
{
    [KernelFact]
    [Trait("Category", "Slow")]
    public async Task Every_code_cell_of_the_cpu_tutorial_runs_green_through_the_kernel()
    {
        await using var server = await ApplianceServer.StartAsync(configure: options => options.PythonPath = TutorialNotebookTests.SystemPython);
        using var student = await server.SignUpAsync("runner");
        student.Http.Timeout = TimeSpan.FromMinutes(10);
        var opened = await (await student.Http.PostAsync("/api/tutorials/tiny-gpt-cpu/open", null)).ReadJsonAsync();
        var notebook = await (await student.Http.GetAsync($"/api/notebooks/{opened["notebookId"]}")).ReadJsonAsync();
        var stdout = new StringBuilder();
        var images = 0;
        JsonNode? controls = null;
        JsonNode? trainingBar = null;
        static IEnumerable<string> Kinds(JsonNode widget) => widget["controls"]!.AsArray().Select(control => control!["kind"]!.GetValue<string>());
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        foreach (var cell in notebook["cells"]!.AsArray().Where(cell => cell!["type"]!.GetValue<string>() == "code"))
        {
            var request = new { notebookId = notebook["id"]!.GetValue<long>(), cellId = cell!["id"]!.GetValue<string>(), code = cell["source"]!.GetValue<string>() };
            using var message = new HttpRequestMessage(HttpMethod.Post, "/api/execute/stream") { Content = JsonContent.Create(request) };
            using var response = await student.Http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"execute answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(deadline.Token));
            JsonNode? done = null;
            while (done is null && await reader.ReadLineAsync(deadline.Token) is { } line)
            {
                if (!line.StartsWith("data:", StringComparison.Ordinal))
                    continue;
                var data = JsonNode.Parse(line["data:".Length..])!;
                switch (data["type"]?.GetValue<string>())
                {
                    case "stdout":
                        stdout.Append(data["text"]?.GetValue<string>());
                        break;
                    case "display":
                        images += data["data"]?["image/png"] is null ? 0 : 1;
                        if (data["data"]?["application/vnd.nanochat.widget+json"] is { } widget && Kinds(widget).Contains("slider"))
                            controls ??= widget;
                        break;
                    case "update_display":
                        if (data["data"]?["application/vnd.nanochat.widget+json"] is { } bar && Kinds(bar).SequenceEqual(["progress"]))
                            trainingBar = bar["controls"]![0];
                        break;
                    case "error":
                        Assert.Fail($"cell {cell["id"]} raised {data.ToJsonString()}\n--- source ---\n{request.code}");
                        break;
                    case "done":
                        done = data;
                        break;
                }
            }
            Assert.NotNull(done);
            var status = done["status"]?.GetValue<string>();
            Assert.True(status is null or "ok", $"cell {cell["id"]} ended with status {status}");
        }
        // The sampling controls (interact): a colder temperature writes another text, in place.
        Assert.NotNull(controls);
        Assert.Equal(["prompt", "temperature", "top_k", "max_new_tokens"], controls["controls"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
        string Written(JsonNode widget) => widget["outputs"]![0]!["text"]!.GetValue<string>();
        using (var moved = await student.Http.PostAsJsonAsync($"/api/widgets/{controls["id"]}", new { notebookId = notebook["id"]!.GetValue<long>(), values = new { temperature = 0.1, max_new_tokens = 40 } }, deadline.Token))
        {
            var update = (await NanoChat.Appliance.Tests.Kernels.KernelSession.ReadEventsAsync(await moved.Content.ReadAsStreamAsync(deadline.Token)))
                .Single(e => e.Data["type"]!.GetValue<string>() == "update_display").Data["data"]!["application/vnd.nanochat.widget+json"]!;
            Assert.StartsWith("Attention ", Written(update), StringComparison.Ordinal);
            Assert.Equal("Attention ".Length + 40 + 1, Written(update).Length); // the prompt, 40 new characters, print's newline
            Assert.NotEqual(Written(controls), Written(update));
        }
        // The training loop's progress bar (tqdm.auto, a widget here) ended complete.
        Assert.NotNull(trainingBar);
        Assert.Equal(("success", 801.0), (trainingBar["barStyle"]!.GetValue<string>(), trainingBar["value"]!.GetValue<double>()));
        var text = stdout.ToString();
        Assert.Contains("step  800 | train loss", text, StringComparison.Ordinal);
        Assert.Contains("saved checkpoints", text, StringComparison.Ordinal);
        Assert.Contains("same text as the original model: True", text, StringComparison.Ordinal);
        Assert.True(images >= 1, "the loss plot did not arrive as an image/png display");
    }
}
