using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using NanoChat.Appliance.Tests.Infrastructure;
using NanoChat.Appliance.Tests.Kernels;

namespace NanoChat.Appliance.Tests.Chat;

/// <summary>
/// Chat end to end: a real kernel trains nothing but builds a tiny GPT in the CPU tutorial's checkpoint
/// format, registers it from Python, and the chat API streams its tokens from that same kernel.
/// </summary>
[Collection(PythonKernelCollection.Name)]
public sealed class ChatReplyTests : IAsyncLifetime
{
    private KernelSession _session = null!;

    // An untrained tiny GPT in the tutorial's format ("nanochat-appliance/tiny-gpt", version 1).
    internal const string MakeCheckpoint = """
        import os, torch, appliance, appliance_chat
        vocab = list("abcdefgh ijklmnop\n")
        config = dict(vocab_size=len(vocab), block_size=32, n_embd=32, n_head=4, n_layer=2)
        torch.manual_seed(0)
        model = appliance_chat.tiny_gpt_class()(**config)
        os.makedirs("checkpoints", exist_ok=True)
        torch.save({"format": "nanochat-appliance/tiny-gpt", "format_version": 1, "config": config, "vocab": vocab,
                    "model_state_dict": model.state_dict(), "step": 7}, "checkpoints/tiny.pt")
        print(appliance.register_checkpoint("checkpoints/tiny.pt", name="my tiny gpt", kind="tiny-gpt", step=7))
        """;

    public async Task InitializeAsync() => _session = await KernelSession.StartAsync(username: "chatter");
    public async Task DisposeAsync() => await _session.DisposeAsync();

    private async Task<long> RegisterAsync()
    {
        var run = await _session.RunAsync(MakeCheckpoint);
        Assert.True(run.Status == "ok", run.ToString());
        var list = (await (await _session.Http.GetAsync("/api/checkpoints")).ReadJsonAsync()).AsArray();
        var checkpoint = Assert.Single(list)!;
        Assert.Equal("my tiny gpt", (string?)checkpoint["name"]);
        Assert.Equal("tiny-gpt", (string?)checkpoint["kind"]);
        Assert.Equal(7, (long)checkpoint["step"]!);
        return (long)checkpoint["id"]!;
    }

    private static HttpRequestMessage ChatRequest(long checkpoint, int maxTokens, string text = "abc") =>
        new(HttpMethod.Post, "/api/chat")
        {
            Content = JsonContent.Create(new { checkpoint, messages = new[] { new { role = "user", content = text } }, maxTokens, temperature = 1.0, topK = 5 }),
        };

    [Fact]
    public async Task Registered_checkpoint_streams_tokens_from_the_users_kernel_and_the_notebook_state_is_untouched()
    {
        var id = await RegisterAsync();
        Assert.Equal("ok", (await _session.RunAsync("x = 41")).Status);

        using var response = await _session.Http.SendAsync(ChatRequest(id, 40), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = (await KernelSession.ReadEventsAsync(await response.Content.ReadAsStreamAsync())).Select(e => e.Data).ToList();
        var tokens = events.Where(e => (string?)e["type"] == "token").Select(e => (string)e["text"]!).ToList();
        Assert.Equal(40, tokens.Count);
        Assert.All(tokens, token => Assert.Contains(token, "abcdefgh ijklmnop\n", StringComparison.Ordinal));
        var done = events.Last();
        Assert.Equal("done", (string?)done["type"]);
        Assert.Equal("ok", (string?)done["status"]);
        Assert.Equal(40, (int)done["tokens"]!);

        // Chat ran in its own namespace of the same worker: the notebook's variables are as they were.
        Assert.Equal("42", (await _session.RunAsync("x + 1")).Result);
        Assert.Equal("False", (await _session.RunAsync("'_reply_tokens' in globals()")).Result);
    }

    [Fact]
    public async Task Stop_mid_reply_ends_generation_promptly_and_the_kernel_keeps_its_state()
    {
        var id = await RegisterAsync();
        Assert.Equal("ok", (await _session.RunAsync("kept = 'yes'")).Status);
        using var request = ChatRequest(id, 1000); // long enough to still be running when we stop
        using var response = await _session.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var firstTokens = await KernelSession.ReadEventsAsync(await response.Content.ReadAsStreamAsync(), stopAfter: 5);
        Assert.Contains(firstTokens, e => (string?)e.Data["type"] == "token");
        var stopped = Stopwatch.StartNew();
        response.Dispose(); // the Stop button aborts the request

        // The kernel is free again quickly (the reply was interrupted, not left running to 1000 tokens).
        var next = await _session.RunAsync("kept");
        Assert.Equal("'yes'", next.Result);
        Assert.True(stopped.Elapsed < TimeSpan.FromSeconds(10), $"the kernel was busy for {stopped.Elapsed} after Stop");
    }

    [Fact]
    public async Task Another_user_cannot_see_or_use_a_checkpoint_and_bad_requests_are_400()
    {
        var id = await RegisterAsync();
        using var other = await _session.Server.SignUpAsync("other-student");
        Assert.Empty((await (await other.Http.GetAsync("/api/checkpoints")).ReadJsonAsync()).AsArray());
        using (var request = ChatRequest(id, 5))
            Assert.Equal(HttpStatusCode.NotFound, (await other.Http.SendAsync(request)).StatusCode);

        var bad = await _session.Http.PostAsJsonAsync("/api/chat", new { checkpoint = id, messages = new[] { new { role = "system", content = "hi" } } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        bad = await _session.Http.PostAsJsonAsync("/api/chat", new { checkpoint = id, messages = new[] { new { role = "user", content = "hi" } }, temperature = 5 });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("temperature", (string?)(await bad.ReadJsonAsync())["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_corrupt_checkpoint_is_a_clear_message()
    {
        var id = await RegisterAsync();
        Assert.Equal("ok", (await _session.RunAsync("open('checkpoints/tiny.pt', 'wb').write(b'not a model')")).Status);
        using var response = await _session.Http.SendAsync(ChatRequest(id, 5));
        var events = (await KernelSession.ReadEventsAsync(await response.Content.ReadAsStreamAsync())).Select(e => e.Data).ToList();
        var error = events.Single(e => (string?)e["type"] == "error");
        Assert.Contains("is not a readable checkpoint", (string?)error["message"], StringComparison.Ordinal);
        Assert.Equal("error", (string?)events.Last()["status"]);
    }
}
