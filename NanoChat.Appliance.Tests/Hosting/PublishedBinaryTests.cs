using System.Diagnostics;
using System.Text.RegularExpressions;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Hosting;

/// <summary>
/// The product as shipped: publish.ps1 (or a plain `dotnet publish`) yields one self-contained file
/// that, started from an empty folder, creates its data folder and serves the sign-in page with
/// templates and assets from inside itself.
/// </summary>
[Collection(PublishCollection.Name)]
public sealed partial class PublishedBinaryTests
{
    [GeneratedRegex(@"serving (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ServingLine();

    [Fact]
    public async Task Published_single_file_starts_from_an_empty_folder_and_serves_sign_in()
    {
        var output = TempFolders.Create("publish");
        var repo = RepositoryRoot();
        var pwsh = FindPwsh(repo);
        var (command, args) = pwsh is null
            ? ("dotnet", new[] { "publish", Path.Combine(repo, "NanoChat.Appliance"), "-c", "Release", "-r", "linux-x64", "-o", output })
            : (pwsh, new[] { "-NoProfile", "-File", Path.Combine(repo, "publish.ps1"), "-Output", output });
        var (code, log) = await RunAsync(command, args, repo, TimeSpan.FromMinutes(8));
        Assert.True(code == 0, $"{command} failed:\n{log}");

        var files = Directory.GetFiles(output).Select(Path.GetFileName).ToList();
        Assert.Equal(["NanoChat.Appliance"], files);

        var empty = TempFolders.Create("empty-cwd");
        var info = new ProcessStartInfo(Path.Combine(output, "NanoChat.Appliance"), ["serve", "--urls", "http://127.0.0.1:0"])
        {
            WorkingDirectory = empty,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var server = Process.Start(info)!;
        var startOutput = new System.Text.StringBuilder();
        try
        {
            var address = await ReadAddressAsync(server, startOutput);
            using var http = new HttpClient { BaseAddress = new Uri(address) };
            var login = await http.GetStringAsync("/login");
            Assert.Contains("<h1 id=\"login-title\">Sign in</h1>", login, StringComparison.Ordinal);
            var script = await http.GetAsync("/assets/app.js");
            Assert.True(script.IsSuccessStatusCode);
            Assert.True(File.Exists(Path.Combine(empty, "data", "appliance.db")));
            Assert.True(File.Exists(Path.Combine(empty, "data", "signing.key")));
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
        // The first start made the antiforgery keys; saying so is not a warning for the instructor.
        var printed = startOutput + await server.StandardOutput.ReadToEndAsync() + await server.StandardError.ReadToEndAsync();
        Assert.DoesNotContain("unencrypted form", printed, StringComparison.Ordinal);
    }

    private static async Task<string> ReadAddressAsync(Process server, System.Text.StringBuilder seen)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await server.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            seen.AppendLine(line);
            var match = ServingLine().Match(line);
            if (match.Success)
                return match.Groups[1].Value;
        }
        throw new InvalidOperationException("The published binary exited before serving: " + await server.StandardError.ReadToEndAsync());
    }

    internal static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "NanoChat.Appliance.sln")))
            folder = folder.Parent;
        return folder?.FullName ?? throw new InvalidOperationException("Run the tests from inside the repository.");
    }

    private static string? FindPwsh(string repo)
    {
        var local = Path.Combine(repo, ".tools", "pwsh");
        if (File.Exists(local))
            return local;
        return (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Select(dir => Path.Combine(dir, "pwsh")).FirstOrDefault(File.Exists);
    }

    private static async Task<(int Code, string Log)> RunAsync(string command, string[] args, string workingDirectory, TimeSpan limit)
    {
        var info = new ProcessStartInfo(command, args) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PublishCollection
{
    public const string Name = "publish";
}
