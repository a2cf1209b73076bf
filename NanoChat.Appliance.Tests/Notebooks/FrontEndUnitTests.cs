using System.Diagnostics;

namespace NanoChat.Appliance.Tests.Notebooks;

/// <summary>
/// Runs the front end's pure-module unit tests (wwwroot/test/*.test.mjs: the bounded stream text,
/// the SSE reader, the cell's indent unit, the traceback reader) with node's built-in test runner,
/// so `dotnet test` fails when they do.
/// </summary>
public sealed class FrontEndUnitTests
{
    private static string WebRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "wwwroot", "test");
            if (Directory.Exists(candidate))
                return Path.Combine(folder.FullName, "wwwroot");
        }
        throw new DirectoryNotFoundException("wwwroot/test was not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public async Task Node_unit_tests_of_the_notebook_modules_pass()
    {
        var start = new ProcessStartInfo("node", "--test test/")
        {
            WorkingDirectory = WebRoot(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, await output + await errors);
        Assert.Contains("# fail 0", await output);
        // A run that found no test at all (a moved folder, a renamed suffix) must not pass.
        var passed = System.Text.RegularExpressions.Regex.Match(await output, @"# pass (\d+)");
        Assert.True(passed.Success && int.Parse(passed.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > 0, "node found no front-end tests:\n" + await output);
    }
}
