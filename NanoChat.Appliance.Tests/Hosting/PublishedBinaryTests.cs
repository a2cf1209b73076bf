using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Hosting;

/// <summary>
/// The product as shipped: publish.ps1 (or a plain `dotnet publish`) yields one self-contained file
/// that, started from an empty folder, creates its data folder, serves the sign-in page with
/// templates and assets from inside itself, and runs students' cells in workers started from that
/// same file. Published once for the class (a few minutes), by <see cref="PublishedBinary"/>.
/// </summary>
[Collection(PublishCollection.Name)]
public sealed partial class PublishedBinaryTests(PublishedBinary published)
{
    [GeneratedRegex(@"serving (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ServingLine();

    [Fact]
    public async Task Published_single_file_starts_from_an_empty_folder_and_serves_sign_in()
    {
        var binary = await published.PathAsync();
        var files = Directory.GetFiles(Path.GetDirectoryName(binary)!).Select(Path.GetFileName).ToList();
        Assert.Equal(["NanoChat.Appliance"], files);

        var empty = TempFolders.Create("empty-cwd");
        var info = new ProcessStartInfo(binary, ["serve", "--urls", "http://127.0.0.1:0"])
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

    /// <summary>
    /// A worker is a fresh start of the single file, which unpacks its native libraries at every start
    /// unless told where they already are. Before, each student found a `.net/` folder (1.5 MB) in
    /// their workspace after their first cell. Here the server's HOME is a folder under /tmp, which the
    /// sandbox hides, so the worker must be shown the server's unpacked folder read-only to reuse it.
    /// </summary>
    [Fact]
    public async Task Workers_of_the_published_file_run_cells_and_write_nothing_of_the_binary_into_the_workspace()
    {
        var binary = await published.PathAsync();
        var folder = TempFolders.Create("published-kernel");
        var home = Directory.CreateDirectory(Path.Combine(folder, "home")).FullName;
        var data = Path.Combine(folder, "data");
        var info = new ProcessStartInfo(binary, ["serve", "--urls", "http://127.0.0.1:0", "--data", data, "--python", "/usr/bin/python3"])
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.Environment["HOME"] = home;
        info.Environment.Remove("DOTNET_BUNDLE_EXTRACT_BASE_DIR");
        using var server = Process.Start(info)!;
        try
        {
            var address = await ReadAddressAsync(server, new System.Text.StringBuilder());
            using var http = new HttpClient { BaseAddress = new Uri(address) };
            var credentials = Json.Body("""{"username": "ada", "password": "correct horse battery"}""");
            Assert.Equal(HttpStatusCode.Created, (await http.PostAsync("/api/auth/register", credentials)).StatusCode);
            var login = await (await http.PostAsync("/api/auth/login", Json.Body("""{"username": "ada", "password": "correct horse battery"}"""))).ReadJsonAsync();
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", login["token"]!.GetValue<string>());
            var userId = login["user"]!["id"]!.GetValue<long>();
            var project = await (await http.PostAsync("/api/projects", Json.Body("""{"name": "p"}"""))).ReadJsonAsync();
            var notebook = await (await http.PostAsync($"/api/projects/{project["id"]}/notebooks", Json.Body("""{"name": "n"}"""))).ReadJsonAsync();

            var code = System.Text.Json.JsonSerializer.Serialize("import os\nprint('cwd', os.getcwd() == os.path.expanduser('~'))\nprint('six', 6 * 7)");
            var stream = await http.PostAsync("/api/execute/stream", Json.Body($$"""{"notebookId": {{notebook["id"]}}, "code": {{code}}}"""));
            var events = await stream.Content.ReadAsStringAsync();
            Assert.True(stream.IsSuccessStatusCode, events);
            Assert.Contains("cwd True", events, StringComparison.Ordinal);
            Assert.Contains("six 42", events, StringComparison.Ordinal);
            Assert.Contains("\"status\":\"ok\"", events, StringComparison.Ordinal);

            var workspace = Path.Combine(data, "workspaces", userId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.True(Directory.Exists(workspace), $"no workspace at {workspace}");
            Assert.Empty(Directory.GetFileSystemEntries(workspace, ".net"));
            // The server's own unpacking, which the worker reused: one folder, in the server's HOME.
            var unpacked = Path.Combine(home, ".net", "NanoChat.Appliance");
            Assert.Single(Directory.GetDirectories(unpacked));
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
            TempFolders.Delete(folder);
        }
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
}

/// <summary>
/// The single file, published once for the tests that need it, as the README says (publish.ps1 when
/// PowerShell is there, else the `dotnet publish` line it runs). Its folder (145 MB) is removed when
/// the collection is done.
/// </summary>
public sealed class PublishedBinary : IDisposable
{
    private readonly string _output = TempFolders.Create("publish");
    private readonly Lazy<Task<string>> _path;

    public PublishedBinary() => _path = new(() => PublishAsync(_output));

    public Task<string> PathAsync() => _path.Value;

    public void Dispose() => TempFolders.Delete(_output);

    private static async Task<string> PublishAsync(string output)
    {
        var repo = PublishedBinaryTests.RepositoryRoot();
        var pwsh = FindPwsh(repo);
        var (command, args) = pwsh is null
            ? ("dotnet", new[] { "publish", Path.Combine(repo, "NanoChat.Appliance"), "-c", "Release", "-r", "linux-x64", "-o", output })
            : (pwsh, new[] { "-NoProfile", "-File", Path.Combine(repo, "publish.ps1"), "-Output", output });
        var (code, log) = await RunAsync(command, args, repo, TimeSpan.FromMinutes(8));
        Assert.True(code == 0, $"{command} failed:\n{log}");
        return Path.Combine(output, "NanoChat.Appliance");
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
public sealed class PublishCollection : ICollectionFixture<PublishedBinary>
{
    public const string Name = "publish";
}
