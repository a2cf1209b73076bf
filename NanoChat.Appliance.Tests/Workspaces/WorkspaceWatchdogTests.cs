using System.Net;
using System.Net.Http.Json;
using NanoChat.Appliance.Tests.Infrastructure;
using NanoChat.Appliance.Tests.Kernels;

namespace NanoChat.Appliance.Tests.Workspaces;

/// <summary>
/// One student filling the disk must not stop the class: the watchdog stops the writer (a notice in
/// their cell, what the cell started killed, their variables kept) while sign-in, saves and other
/// students' cells go on. Real workers writing real files; the quota is made small instead.
/// </summary>
[Collection(PythonKernelCollection.Name)]
public sealed class WorkspaceWatchdogTests
{
    private const long QuotaBytes = 64L * 1024 * 1024;

    // Writes 1 MiB files for up to 60 s, far past the quota if nothing stops it.
    private const string FillTheWorkspace = """
        import os, time
        os.makedirs('junk', exist_ok=True)
        end = time.time() + 60
        i = 0
        while time.time() < end:
            with open(f'junk/{i}.bin', 'wb') as f:
                f.write(os.urandom(1 << 20))
            i += 1
        """;

    [Fact]
    public async Task A_student_past_their_quota_is_stopped_and_everyone_else_keeps_working()
    {
        await using var session = await KernelSession.StartAsync(options => options.Kernels.WorkspaceQuotaBytes = QuotaBytes);
        using var bob = await session.Server.SignUpAsync("bob");
        var bobsNotebook = await KernelSession.CreateNotebookAsync(bob.Http);
        Assert.Equal("ok", (await session.RunAsync("x = 41")).Status);

        var filling = session.RunAsync(FillTheWorkspace);
        var bobsRun = await KernelSession.RunAsync(bob.Http, bobsNotebook, "print(sum(range(10)))");
        var full = await filling;

        Assert.Equal("interrupted", full.Status);
        Assert.Contains("Your workspace is full (", full.Stderr, StringComparison.Ordinal);
        Assert.Contains("of 0.06 GiB)", full.Stderr, StringComparison.Ordinal);
        Assert.Equal("45\n", bobsRun.Stdout);
        Assert.Equal("42", (await session.RunAsync("x + 1")).Result); // the kernel kept its variables

        // Sign-in and saves work for everyone, the full student included.
        using var again = await session.Server.SignInAsync("teacher");
        var save = await again.Http.PutAsJsonAsync($"/api/notebooks/{session.NotebookId}", new { revision = 1, cells = new[] { new { id = "a", type = "code", source = "print('still saving')" } } });
        Assert.Equal(HttpStatusCode.OK, save.StatusCode);

        var storage = (await (await session.Http.GetAsync("/api/admin/storage")).ReadJsonAsync()).AsArray();
        var teacher = storage.Single(row => (string?)row!["username"] == "teacher")!;
        Assert.True((long)teacher["usedBytes"]! > QuotaBytes, teacher.ToJsonString());
        Assert.Equal(QuotaBytes, (long)teacher["quotaBytes"]!);

        // Deleting files is always possible, and afterwards writing works again.
        var cleaned = await session.RunAsync("import shutil; shutil.rmtree('junk'); open('small.txt', 'w').write('fits'); print('ok')");
        Assert.Equal("ok\n", cleaned.Stdout);
    }

    [Fact]
    public async Task One_file_larger_than_the_quota_fails_at_once_and_a_background_writer_is_killed()
    {
        await using var session = await KernelSession.StartAsync(options => options.Kernels.WorkspaceQuotaBytes = QuotaBytes);
        var big = await session.RunAsync("open('big.bin', 'wb').write(b'0' * (80 << 20))");
        Assert.Equal("error", big.Status);
        Assert.Contains("File too large", (string?)big.Error!["evalue"], StringComparison.Ordinal);

        var background = await session.RunAsync("""
            import subprocess, time
            writer = subprocess.Popen(['sh', '-c', 'i=0; while true; do head -c 1048576 /dev/urandom > bg$i.bin; i=$((i+1)); done'])
            time.sleep(60)
            """);
        Assert.Equal("interrupted", background.Status);
        Assert.Contains("Your workspace is full", background.Stderr, StringComparison.Ordinal);
        Assert.Equal("-9", (await session.RunAsync("writer.wait(timeout=10)")).Result);
    }

    [Fact]
    public async Task Below_the_disk_reserve_whoever_writes_is_stopped()
    {
        // A reserve larger than any disk: the box is "almost full" from the start, as when the class fills it together.
        await using var session = await KernelSession.StartAsync(options =>
        {
            options.Kernels.DiskReserveBytes = 1L << 50;
            options.Kernels.WorkspaceQuotaBytes = 1L << 40;
        });
        Assert.Equal("ok", (await session.RunAsync("y = 1")).Status);
        var run = await session.RunAsync(FillTheWorkspace);
        Assert.Equal("interrupted", run.Status);
        Assert.Contains("The box's disk is almost full", run.Stderr, StringComparison.Ordinal);
        Assert.Equal("1", (await session.RunAsync("y")).Result);
    }
}
