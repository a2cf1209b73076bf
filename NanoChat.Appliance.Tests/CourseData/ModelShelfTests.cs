using System.Net.Http.Json;
using NanoChat.Appliance.CourseData;
using NanoChat.Appliance.Tests.Chat;
using NanoChat.Appliance.Tests.Infrastructure;
using NanoChat.Appliance.Tests.Kernels;

namespace NanoChat.Appliance.Tests.CourseData;

/// <summary>
/// The model shelf: a checkpoint the instructor stages is listed for every student, who chats with it
/// from their own kernel without a copy in their workspace; a nanochat checkpoint appears where
/// nanochat's load_model and --model-tag look.
/// </summary>
[Collection(PythonKernelCollection.Name)]
public sealed class ModelShelfTests
{
    [Fact]
    public async Task A_staged_checkpoint_is_on_every_students_chat_list_and_answers_from_their_kernel()
    {
        await using var session = await KernelSession.StartAsync();
        Assert.Equal("ok", (await session.RunAsync(ChatReplyTests.MakeCheckpoint)).Status);
        var staging = session.Server.Services.GetRequiredService<CourseStaging>();
        var teacherWorkspace = Path.Combine(session.Server.Options.WorkspacesDirectory, session.Student.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await staging.AddAsync(Path.Combine(teacherWorkspace, "checkpoints"), CourseItemKind.Checkpoint, "class-tiny", null, null, CancellationToken.None);
        var nanochatModel = TempFolders.Create("speedrun");
        File.WriteAllText(Path.Combine(nanochatModel, "model_000010.pt"), "weights");
        File.WriteAllText(Path.Combine(nanochatModel, "meta_000010.json"), "{}");
        await staging.AddAsync(nanochatModel, CourseItemKind.Checkpoint, "speedrun", null, null, CancellationToken.None);
        TempFolders.Delete(nanochatModel);

        using var bob = await session.Server.SignUpAsync("bob");
        var list = (await (await bob.Http.GetAsync("/api/checkpoints")).ReadJsonAsync()).AsArray();
        var tiny = list.Single(item => (string?)item!["name"] == "class-tiny (shelf)")!;
        Assert.Equal("tiny-gpt", (string)tiny["kind"]!);
        Assert.Contains(list, item => (string?)item!["name"] == "speedrun (shelf): base speedrun step 10" && (string?)item!["kind"] == "nanochat-base");

        using var response = await bob.Http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/chat")
        {
            Content = JsonContent.Create(new { checkpoint = (long)tiny["id"]!, messages = new[] { new { role = "user", content = "abc" } }, maxTokens = 20, temperature = 1.0, topK = 5 }),
        }, HttpCompletionOption.ResponseHeadersRead);
        var events = (await KernelSession.ReadEventsAsync(await response.Content.ReadAsStreamAsync())).Select(e => e.Data).ToList();
        Assert.Contains(events, e => (string?)e["type"] == "token");
        Assert.Equal("ok", (string?)events[^1]["status"]);

        // Nothing of the shelf was copied into bob's workspace; nanochat finds the speedrun model where it looks.
        var bobsWorkspace = Path.Combine(session.Server.Options.WorkspacesDirectory, bob.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Empty(Directory.EnumerateFiles(bobsWorkspace, "*.pt", SearchOption.AllDirectories));
        var notebook = await KernelSession.CreateNotebookAsync(bob.Http);
        var seen = await KernelSession.RunAsync(bob.Http, notebook, "import os; print(open(os.environ['NANOCHAT_BASE_DIR'] + '/base_checkpoints/speedrun/model_000010.pt').read())");
        Assert.Equal("weights\n", seen.Stdout);
    }
}
