using System.Net.Http.Json;
using Microsoft.Playwright;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Notebooks;

/// <summary>
/// The sign-in ends under an open notebook (here: the same student signs out on another machine).
/// What they type next is kept in the tab, sign-in is offered in place, and only the same student
/// signing in saves it; anyone else signing in on that browser never sees or saves it.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SignedOutDraftTests(BrowserFixture browser)
{
    private const string Message = "You were signed out; sign in to save your changes.";

    private static async Task EndEverySessionAsync(EditorSession session)
    {
        using var elsewhere = await session.Server.SignInAsync(session.User.Username, EditorSession.Password);
        Assert.True((await elsewhere.Http.PostAsync("/api/auth/logout", null)).IsSuccessStatusCode);
    }

    private static async Task TypeAtEndOfFirstCellAsync(IPage page, string text)
    {
        await page.Locator(".cell .cm-content").First.ClickAsync();
        await page.Keyboard.PressAsync("Control+End");
        await page.Keyboard.TypeAsync(text);
    }

    private static async Task<string> FirstCellSourceAsync(EditorSession session, long id)
    {
        using var reader = await session.Server.SignInAsync(session.User.Username, EditorSession.Password);
        var notebook = await reader.Http.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>($"/api/notebooks/{id}");
        return (string)notebook!["cells"]![0]!["source"]!;
    }

    [BrowserFact]
    public async Task Edits_typed_after_the_session_ended_are_saved_once_the_same_student_signs_in_again()
    {
        await using var session = await EditorSession.StartAsync(browser, "ada");
        var id = await session.CreateNotebookAsync("Draft", new { id = "c1", type = "code", source = "x = 1" });
        var page = await session.OpenAsync(id);
        await EndEverySessionAsync(session);

        await TypeAtEndOfFirstCellAsync(page, "\ny = 2");
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = Message });
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        Assert.Equal("x = 1", await FirstCellSourceAsync(session, id)); // nothing was saved while signed out
        await Screenshots.SaveAsync(page, "notebook-signed-out");

        await Assertions.Expect(dialog.GetByLabel("Username")).ToHaveValueAsync("ada");
        await dialog.GetByLabel("Password").FillAsync(EditorSession.Password);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Sign in and save" }).ClickAsync();
        await Assertions.Expect(dialog).ToBeHiddenAsync();
        await EditorSession.WaitSavedAsync(page);
        Assert.Equal("x = 1\ny = 2", await FirstCellSourceAsync(session, id));
        Assert.Equal(0, await page.EvaluateAsync<int>("() => Object.keys(sessionStorage).filter((key) => key.startsWith('nanochat.draft.')).length"));
    }

    [BrowserFact]
    public async Task Another_student_signing_in_on_that_browser_neither_sees_nor_saves_the_draft()
    {
        await using var session = await EditorSession.StartAsync(browser, "ada");
        using var bob = await session.Server.SignUpAsync("bob", "bob-password-1");
        var id = await session.CreateNotebookAsync("Private", new { id = "c1", type = "code", source = "x = 1" });
        var page = await session.OpenAsync(id);
        await EndEverySessionAsync(session);

        await TypeAtEndOfFirstCellAsync(page, "\nsecret = 'ada only'");
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = Message });
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        Assert.Equal(1, await page.EvaluateAsync<int>("() => Object.keys(sessionStorage).filter((key) => key.startsWith('nanochat.draft.')).length"));

        await dialog.GetByLabel("Username").FillAsync("bob");
        await dialog.GetByLabel("Password").FillAsync("bob-password-1");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Sign in and save" }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        await Assertions.Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync("bob");
        Assert.Equal(0, await page.EvaluateAsync<int>("() => Object.keys(sessionStorage).filter((key) => key.startsWith('nanochat.draft.')).length"));
        Assert.DoesNotContain("secret", await page.ContentAsync(), StringComparison.Ordinal);
        Assert.Equal("x = 1", await FirstCellSourceAsync(session, id));
    }
}
