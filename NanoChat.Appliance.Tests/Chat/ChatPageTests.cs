using Microsoft.Playwright;
using NanoChat.Appliance.Tests.Infrastructure;
using NanoChat.Appliance.Tests.Kernels;

namespace NanoChat.Appliance.Tests.Chat;

/// <summary>The Chat page in Debian's chromium: pick the model, see the reply stream in, stop it, clear.</summary>
[Collection(PythonKernelCollection.Name)]
public sealed class ChatPageTests : IAsyncLifetime
{
    private readonly BrowserFixture _browser = new();
    private KernelSession _session = null!;

    public async Task InitializeAsync()
    {
        await _browser.InitializeAsync();
        _session = await KernelSession.StartAsync(username: "pagechatter");
    }

    public async Task DisposeAsync()
    {
        await _session.DisposeAsync();
        await _browser.DisposeAsync();
    }

    [BrowserFact]
    public async Task Reply_streams_into_the_conversation_and_stop_ends_it()
    {
        Assert.Equal("ok", (await _session.RunAsync(ChatReplyTests.MakeCheckpoint)).Status);
        var page = await _browser.NewPageAsync(_session.Server.Address);
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        await page.GotoAsync("/login?returnUrl=%2Fchat");
        await page.GetByLabel("Username").FillAsync("pagechatter");
        await page.GetByLabel("Password").FillAsync("correct horse battery");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/chat", StringComparison.Ordinal));
        await Assertions.Expect(page.GetByLabel("Model", new() { Exact = true })).ToContainTextAsync("my tiny gpt");

        await page.GetByLabel("Max tokens").FillAsync("60");
        await page.GetByLabel("Your message").FillAsync("abc");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send message" }).ClickAsync();
        var reply = page.Locator(".chat-assistant .chat-text").Last;
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("60 tokens in");
        Assert.Equal(60, (await reply.TextContentAsync())!.Length);
        await Screenshots.SaveAsync(page, "chat");

        // A long reply, stopped after it started streaming.
        await page.GetByLabel("Max tokens").FillAsync("1000");
        await page.GetByLabel("Your message").FillAsync("abcd");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send message" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync(" tokens");
        await page.GetByRole(AriaRole.Button, new() { Name = "Stop reply" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Stopped after");
        var stoppedAt = (await page.Locator(".chat-assistant .chat-text").Last.TextContentAsync())!.Length;
        Assert.InRange(stoppedAt, 1, 999);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Send message" })).ToBeEnabledAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Clear conversation" }).ClickAsync();
        await Assertions.Expect(page.Locator(".chat-message")).ToHaveCountAsync(0);
        Assert.Empty(errors);
    }

    [BrowserFact]
    public async Task The_page_offers_only_what_the_server_accepts_and_a_refusal_is_an_error_not_a_reply()
    {
        Assert.Equal("ok", (await _session.RunAsync(ChatReplyTests.MakeCheckpoint)).Status);
        var page = await _browser.NewPageAsync(_session.Server.Address);
        await page.GotoAsync("/login?returnUrl=%2Fchat");
        await page.GetByLabel("Username").FillAsync("pagechatter");
        await page.GetByLabel("Password").FillAsync("correct horse battery");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/chat", StringComparison.Ordinal));

        // One limit: the field's maximum is the server's.
        var limit = _session.Server.Services.GetRequiredService<NanoChat.Appliance.Chat.ChatOptions>().MaxTokens;
        Assert.Equal(limit.ToString(System.Globalization.CultureInfo.InvariantCulture), await page.GetByLabel("Max tokens").GetAttributeAsync("max"));
        // The tiny tutorial model is said for what it is.
        await Assertions.Expect(page.GetByTestId("chat-about")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("chat-about")).ToContainTextAsync("character-level model trained");
        await Assertions.Expect(page.GetByTestId("chat-about")).ToContainTextAsync("does not understand or answer questions");

        // Too many tokens, sent with Enter: said under the form, nothing is sent, no reply appears.
        await page.GetByLabel("Max tokens").FillAsync((limit + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByLabel("Your message").FillAsync("abc");
        await page.GetByLabel("Your message").PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Max tokens");
        Assert.Equal(0, await page.Locator(".chat-message").CountAsync());

        // A refusal from the server (the model's file went away meanwhile) is an error, not the model's words.
        await page.GetByLabel("Max tokens").FillAsync("20");
        File.Delete(Path.Combine(_session.Server.Options.WorkspacesDirectory, _session.Student.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "checkpoints", "tiny.pt"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Send message" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Not sent: The checkpoint file was not found.");
        Assert.Equal(0, await page.Locator(".chat-assistant").CountAsync());
        Assert.Equal("abc", await page.GetByLabel("Your message").InputValueAsync()); // kept, to send again
    }
}
