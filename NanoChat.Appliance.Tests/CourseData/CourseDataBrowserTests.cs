using Microsoft.Playwright;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.CourseData;

/// <summary>The console's Course data page, Students' code and Doctor panels in Debian's chromium: stage a folder, see it listed, refuse a bad one.</summary>
[Collection(BrowserCollection.Name)]
public sealed class CourseDataBrowserTests(BrowserFixture browser)
{
    [BrowserFact]
    public async Task An_instructor_stages_a_folder_from_the_console_and_sees_it_listed()
    {
        await using var server = await ApplianceServer.StartAsync(configure: options => options.NightlyBackupHour = -1);
        using var teacher = await server.SignUpAsync("teacher");
        var usb = TempFolders.Create("usb");
        try
        {
            for (var n = 0; n < 3; n++)
                File.WriteAllText(Path.Combine(usb, $"shard_{n:00000}.parquet"), new string('x', 1000 * (n + 1)));
            var page = await browser.NewPageAsync(server.Address);
            page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
            await page.GotoAsync("/login");
            await page.FillAsync("#username", "teacher");
            await page.FillAsync("#password", "correct horse battery");
            await page.ClickAsync("button[type=submit]");
            await page.WaitForURLAsync(url => !url.Contains("/login", StringComparison.Ordinal), new() { WaitUntil = WaitUntilState.Commit });

            await page.GotoAsync("/admin");
            await Assertions.Expect(page.GetByTestId("kernel-network")).ToContainTextAsync("Kernels have no network");
            await page.GetByRole(AriaRole.Button, new() { Name = "Run the checks" }).ClickAsync();
            await Assertions.Expect(page.GetByTestId("doctor")).ToContainTextAsync("walkthrough: the tokenizer and base training needs 'shards'");
            await page.SetViewportSizeAsync(1366, 900);
            await Screenshots.SaveAsync(page, "admin-console-student-code-doctor");

            await page.GetByRole(AriaRole.Link, new() { Name = "Course data" }).ClickAsync();
            await Assertions.Expect(page.GetByTestId("course-empty")).ToBeVisibleAsync();
            await page.FillAsync("#course-source", usb);
            await page.SelectOptionAsync("#course-kind", "shards");
            await page.FillAsync("#course-name", "climbmix");
            await page.GetByRole(AriaRole.Button, new() { Name = "Stage" }).ClickAsync();
            await Assertions.Expect(page.GetByTestId("course-job")).ToHaveAttributeAsync("data-state", "done");
            await Assertions.Expect(page.GetByTestId("course-job")).ToContainTextAsync("climbmix (");

            await page.FillAsync("#course-source", "/no/such/folder");
            await page.FillAsync("#course-name", "nothing");
            await page.GetByRole(AriaRole.Button, new() { Name = "Stage" }).ClickAsync();
            await Assertions.Expect(page.Locator("[data-testid=course-job][data-state=failed]")).ToContainTextAsync("is neither an http(s) address nor a file or folder");

            await page.ReloadAsync();
            await Assertions.Expect(page.GetByTestId("course-items")).ToContainTextAsync("climbmix");
            await Assertions.Expect(page.GetByTestId("course-items")).ToContainTextAsync("shards");
            await Screenshots.SaveAsync(page, "admin-course-data");
            await page.GetByRole(AriaRole.Button, new() { Name = "Remove" }).ClickAsync();
            await Assertions.Expect(page.Locator("#course-climbmix")).ToHaveCountAsync(0);
        }
        finally
        {
            TempFolders.Delete(usb);
        }
    }
}
