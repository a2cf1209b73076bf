using System.Net.Http.Json;
using Microsoft.Playwright;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Admin;

/// <summary>The instructor console in Debian's chromium: health, backup, a class created from pasted names, disable, reset, hand-out.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ConsoleBrowserTests(BrowserFixture browser)
{
    [BrowserFact]
    public async Task An_instructor_runs_the_class_from_the_console()
    {
        await using var server = await ApplianceServer.StartAsync(configure: options => { options.NightlyBackupHour = -1; options.BackupDirectory = TempFolders.Create("browser-backups"); });
        using var teacher = await server.SignUpAsync("teacher");
        using var pat = await server.SignUpAsync("pat");
        var project = await (await teacher.Http.PostAsJsonAsync("/api/projects", new { name = "Lessons" })).ReadJsonAsync();
        await teacher.Http.PostAsJsonAsync($"/api/projects/{project["id"]}/notebooks", new { name = "Week 1", cells = new[] { new { type = "code", source = "print('hello class')" } } });

        var page = await browser.NewPageAsync(server.Address);
        var errors = new List<string>();
        // Errors other than the favicon and the one refused roster (a 400 that htmx logs) fail the test.
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && !message.Location.Contains("favicon", StringComparison.Ordinal) && !message.Location.Contains("/admin/users:", StringComparison.Ordinal) && !message.Text.Contains("from /admin/users", StringComparison.Ordinal))
                errors.Add($"{message.Text} ({message.Location})");
        };
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        await page.GotoAsync("/login");
        await page.FillAsync("#username", "teacher");
        await page.FillAsync("#password", "correct horse battery");
        await page.ClickAsync("button[type=submit]");
        // Signed in once the redirect commits; the next steps wait for what they need. (Waiting for
        // the home page's load event as well timed out once under the full suite's parallel load.)
        await page.WaitForURLAsync("**/", new() { WaitUntil = WaitUntilState.Commit });

        // The console: health without a GPU here, kernels not part of this build, a backup on demand.
        await page.GetByRole(AriaRole.Link, new() { Name = "Admin" }).ClickAsync();
        await page.WaitForURLAsync("**/admin");
        await Assertions.Expect(page.GetByTestId("cpu")).ToContainTextAsync("cores");
        await Assertions.Expect(page.GetByTestId("disk")).ToContainTextAsync("free of");
        if (GpuProbeAbsent())
            await Assertions.Expect(page.GetByTestId("gpu")).ToContainTextAsync("no GPU");
        await Assertions.Expect(page.GetByTestId("kernels")).ToContainTextAsync("No kernel is running");
        await page.GetByRole(AriaRole.Button, new() { Name = "Back up now" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("backup-done")).ToContainTextAsync("integrity check ok");
        await Screenshots.SaveAsync(page, "admin-console");

        // A class from pasted names and a CSV line; the passwords are shown once and work.
        await page.GetByRole(AriaRole.Link, new() { Name = "Accounts" }).First.ClickAsync();
        await page.FillAsync("#roster", "amy x pat");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create accounts" }).ClickAsync();
        await Assertions.Expect(page.Locator("#create-errors")).ToContainTextAsync("'pat' already has an account.");
        await Assertions.Expect(page.Locator("#create-errors")).ToContainTextAsync("'x': A username has 2 to 32 characters.");
        await Assertions.Expect(page.Locator("#user-rows tr[data-username=amy]")).ToHaveCountAsync(0);
        await page.FillAsync("#roster", "amy ben\ncal,cal-password-1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create accounts" }).ClickAsync();
        var created = page.GetByTestId("created-accounts").Locator("tbody tr");
        await Assertions.Expect(created).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("#user-rows tr[data-username=amy]")).ToHaveCountAsync(1);
        Assert.Equal("", await page.InputValueAsync("#roster"));
        var amyPassword = await created.Filter(new() { HasText = "amy" }).Locator("code").InnerTextAsync();
        using (var amy = await server.SignInAsync("amy", amyPassword))
            Assert.Equal("amy", amy.Username);
        Assert.Equal("cal-password-1", await created.Filter(new() { HasText = "cal" }).Locator("code").InnerTextAsync());
        await Assertions.Expect(page.Locator(".signin-card")).ToHaveCountAsync(3);
        await Screenshots.SaveAsync(page, "admin-accounts-created");
        // Printed, the page is only the cards.
        await page.EmulateMediaAsync(new() { Media = Media.Print });
        await Assertions.Expect(page.Locator(".signin-card").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".signin-card").First).ToContainTextAsync(amyPassword);
        await Assertions.Expect(page.Locator("#user-rows")).Not.ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("created-accounts")).Not.ToBeVisibleAsync();
        await page.EmulateMediaAsync(new() { Media = Media.Screen });
        await Assertions.Expect(page.Locator("#user-rows tr[data-username=teacher]")).ToContainTextAsync("(you)");

        // Disable ben; reset amy's password.
        await page.Locator("#user-rows tr[data-username=ben]").GetByRole(AriaRole.Button, new() { Name = "Disable ben" }).ClickAsync();
        await Assertions.Expect(page.Locator("#user-rows tr[data-username=ben]")).ToContainTextAsync("disabled");
        await page.Locator("#user-rows tr[data-username=amy]").GetByRole(AriaRole.Button, new() { Name = "Reset the password of amy" }).ClickAsync();
        var newPassword = await page.Locator("#user-rows tr[data-username=amy]").GetByTestId("new-password").Locator("code").InnerTextAsync();
        Assert.NotEqual(amyPassword, newPassword);
        using (var amy = await server.SignInAsync("amy", newPassword))
            Assert.Equal("amy", amy.Username);

        // Delete cal (after the confirmation dialog, accepted above): the row goes, and so does the account.
        await page.Locator("#user-rows tr[data-username=cal]").GetByRole(AriaRole.Button, new() { Name = "Delete cal" }).ClickAsync();
        await Assertions.Expect(page.Locator("#user-rows tr[data-username=cal]")).ToHaveCountAsync(0);
        using (var anonymous = server.Client())
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/auth/login", new { username = "cal", password = "cal-password-1" })).StatusCode);

        // Hand out Week 1 to every enabled student and follow their progress.
        await page.GetByRole(AriaRole.Link, new() { Name = "Hand-outs" }).ClickAsync();
        // The picker offers the built-in tutorials next to the instructor's own notebooks.
        await Assertions.Expect(page.Locator("#handout-notebook optgroup[label=Tutorials] option[value='tutorial:tiny-gpt-cpu']")).ToHaveCountAsync(1);
        await page.SelectOptionAsync("#handout-notebook", new SelectOptionValue { Label = "Week 1" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Hand out" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("handout-result")).ToContainTextAsync("2 new copies");
        // The list of hand-outs below the form shows the new one without a reload.
        await Assertions.Expect(page.GetByTestId("handouts")).ToContainTextAsync("Week 1");
        await Screenshots.SaveAsync(page, "admin-handouts");
        await page.GetByRole(AriaRole.Link, new() { Name = "Follow their progress" }).ClickAsync();
        var rows = page.GetByTestId("progress").Locator("tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await Assertions.Expect(page.GetByTestId("progress")).Not.ToContainTextAsync("ben");
        await page.GetByRole(AriaRole.Link, new() { Name = "View pat's notebook" }).ClickAsync();
        await Assertions.Expect(page.Locator(".cells")).ToContainTextAsync("hello class");
        await Assertions.Expect(page.GetByText("read-only", new() { Exact = true })).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "admin-student-notebook");

        await page.GotoAsync("/admin/events");
        await Assertions.Expect(page.GetByTestId("events")).ToContainTextAsync("disabled the account");
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    private static bool GpuProbeAbsent() => NanoChat.Appliance.Admin.GpuProbe.FindOnPath("nvidia-smi") is null;
}
