using NanoChat.Appliance.Kernels;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Kernels;

/// <summary>What student code can reach, and the limits on it, checked from inside and from outside.</summary>
[Collection(PythonKernelCollection.Name)]
public sealed class SandboxTests
{
    private static void RequireFullSandbox(KernelSession session)
    {
        var sandbox = session.Server.Services.GetRequiredService<SandboxStatus>();
        Assert.True(sandbox.FullyIsolated, "this box should give bubblewrap and a writable cgroup: " + string.Join(" ", sandbox.Warnings));
    }

    [Fact]
    public async Task Student_code_cannot_see_the_data_folder_the_database_or_another_workspace()
    {
        await using var session = await KernelSession.StartAsync();
        RequireFullSandbox(session);
        using var bob = await session.Server.SignUpAsync("bob");
        var bobsNotebook = await KernelSession.CreateNotebookAsync(bob.Http);
        await KernelSession.RunAsync(bob.Http, bobsNotebook, "open('bobs-secret.txt', 'w').write('mine')");
        var data = session.Server.Options.DataDirectoryFullPath;
        Assert.True(File.Exists(Path.Combine(data, "appliance.db")));
        Assert.True(File.Exists(Path.Combine(data, "workspaces", bob.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "bobs-secret.txt")));

        var probe = await session.RunAsync($$"""
            import os
            data = {{Quote(data)}}
            def visible(path):
                try:
                    with open(path, 'rb') as f: f.read(1)
                    return True
                except OSError:
                    return False
            print(sorted(os.listdir(data)))
            print(visible(data + '/appliance.db'), visible(data + '/signing.key'), visible(data + '/workspaces/{{bob.Id}}/bobs-secret.txt'))
            open('mine.txt', 'w').write('ok')
            print(os.getcwd() == os.environ['HOME'] == data + '/workspaces/{{session.Student.Id}}')
            pids = [p for p in os.listdir('/proc') if p.isdigit()]
            print(len(pids) < 10, {{Environment.ProcessId}} not in map(int, pids))
            print([l.split()[1] for l in open('/proc/self/status') if l.startswith('CapEff')][0])
            """);
        Assert.Equal("ok", probe.Status);
        var lines = probe.Stdout.Split('\n');
        Assert.Equal("['workspaces']", lines[0]);
        Assert.Equal("False False False", lines[1]);
        Assert.Equal("True", lines[2]);
        Assert.Equal("True True", lines[3]);
        Assert.Equal("0000000000000000", lines[4]);
        Assert.True(File.Exists(Path.Combine(data, "workspaces", session.Student.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "mine.txt")));
    }

    [Fact]
    public async Task Memory_process_and_file_limits_are_in_place_and_an_out_of_memory_kill_is_explained()
    {
        await using var session = await KernelSession.StartAsync(options =>
        {
            options.Kernels.MemoryLimitBytes = 400L * 1024 * 1024;
            options.Kernels.PidsLimit = 40;
            options.Kernels.OpenFilesLimit = 1000;
        });
        RequireFullSandbox(session);
        var limits = await session.RunAsync("import resource; resource.getrlimit(resource.RLIMIT_NOFILE)[0]");
        Assert.Equal("1000", limits.Result);

        var status = await (await session.Http.GetAsync("/api/kernel")).ReadJsonAsync();
        var folders = status["cgroupFolders"]!.AsArray().Select(f => (string)f!).ToList();
        var memory = File.Exists("/sys/fs/cgroup/cgroup.controllers")
            ? File.ReadAllText(Path.Combine(folders[0], "memory.max"))
            : File.ReadAllText(Path.Combine(folders.Single(f => f.Contains("/memory/", StringComparison.Ordinal)), "memory.limit_in_bytes"));
        Assert.Equal((400L * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture), memory.Trim());
        var pids = File.ReadAllText(Path.Combine(folders.Single(f => !f.Contains("/memory/", StringComparison.Ordinal) && !f.Contains("/cpu/", StringComparison.Ordinal) || folders.Count == 1), "pids.max"));
        Assert.Equal("40", pids.Trim());

        var forks = await session.RunAsync("""
            import subprocess
            started = []
            try:
                for _ in range(100):
                    started.append(subprocess.Popen(['sleep', '5']))
            except OSError as error:
                print('refused after', len(started))
            for p in started: p.kill()
            """);
        Assert.StartsWith("refused after", forks.Stdout, StringComparison.Ordinal);

        var hog = await session.RunAsync("hog = bytearray(1024 * 1024 * 1024)");
        Assert.Equal("killed", hog.Status);
        Assert.Contains("out of memory", (string?)hog.Done["reason"], StringComparison.Ordinal);
    }

    private static string Quote(string text) => "'" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    [Fact]
    public async Task An_appliance_run_from_under_tmp_still_starts_kernels_and_keeps_its_data_hidden()
    {
        // The sandbox puts an empty /tmp over the real one; an appliance unpacked there (a download in
        // /tmp, a clone in /tmp) used to lose its own binary inside the sandbox, and no kernel started.
        var app = Path.Combine("/tmp", "nanochat-tests", $"app-{Guid.NewGuid():N}");
        var data = TempFolders.Create("data-of-tmp-app");
        Directory.CreateDirectory(app);
        foreach (var file in Directory.GetFiles(AppContext.BaseDirectory))
            File.Copy(file, Path.Combine(app, Path.GetFileName(file)));
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64"), "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(app, Path.GetRelativePath(AppContext.BaseDirectory, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        var server = await ServerProcess.StartAsync(app, data, "--python", KernelSession.DebianPython);
        try
        {
            using var http = await server.SignUpAsync("teacher");
            var notebook = await KernelSession.CreateNotebookAsync(http);
            var run = await KernelSession.RunAsync(http, notebook, $"import os\nprint(os.listdir({Quote(data)}), os.path.exists({Quote(Path.Combine(data, "appliance.db"))}), os.path.isdir({Quote(app)}))");
            Assert.True(run.Status == "ok", $"{run}\n--- appliance log ---\n{server.Log}");
            // The data folder stays hidden (only the way to the student's own workspace); the appliance's folder is there.
            Assert.Equal("['workspaces'] False True\n", run.Stdout);
        }
        finally
        {
            await server.DisposeAsync();
            TempFolders.Delete(app);
            TempFolders.Delete(data);
        }
    }
}
