using NanoChat.Appliance.Kernels;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Kernels;

/// <summary>
/// A kernel's cgroup folders and socket folder go when it ends, and what a web process killed with -9
/// left behind goes at the next start, so a box that crashed a few times is not littered with them.
/// </summary>
[Collection(PythonKernelCollection.Name)]
public sealed class KernelLeftoversTests
{
    [Fact]
    public async Task A_stopped_kernel_leaves_no_cgroup_or_socket_folder()
    {
        await using var session = await KernelSession.StartAsync();
        Assert.Equal("ok", (await session.RunAsync("x = 1")).Status);
        var status = await (await session.Http.GetAsync("/api/kernel")).ReadJsonAsync();
        var cgroups = status["cgroupFolders"]!.AsArray().Select(folder => (string)folder!).ToList();
        Assert.NotEmpty(cgroups);
        var sockets = SocketFoldersOf(Environment.ProcessId).SelectMany(Directory.GetDirectories).ToList();
        Assert.NotEmpty(sockets);

        (await session.Http.PostAsync("/api/kernel/restart", null)).EnsureSuccessStatusCode();
        Assert.All(cgroups, folder => Assert.False(Directory.Exists(folder), $"{folder} is left after a restart"));
        Assert.All(sockets, folder => Assert.False(Directory.Exists(folder), $"{folder} is left after a restart"));
    }

    [Fact]
    public async Task What_a_web_process_killed_with_minus_9_left_behind_is_removed_at_the_next_start()
    {
        var data = TempFolders.Create("leftovers");
        try
        {
            List<string> cgroups;
            string sockets;
            await using (var first = await ServerProcess.StartAsync(AppContext.BaseDirectory, data, "--python", KernelSession.DebianPython))
            {
                using var http = await first.SignUpAsync("teacher");
                Assert.Equal("ok", (await KernelSession.RunAsync(http, await KernelSession.CreateNotebookAsync(http), "x = 1")).Status);
                var status = await (await http.GetAsync("/api/kernel")).ReadJsonAsync();
                cgroups = [.. status["cgroupFolders"]!.AsArray().Select(folder => (string)folder!)];
                sockets = Assert.Single(SocketFoldersOf(first.Pid));
                await first.KillAsync();
            }
            // The worker dies with its parent; its folders stay: nothing of the dead process removes them.
            await WaitUntilAsync(() => cgroups.All(folder => !File.Exists(Path.Combine(folder, "cgroup.procs")) || File.ReadAllText(Path.Combine(folder, "cgroup.procs")).Trim().Length == 0));
            Assert.NotEmpty(cgroups);
            Assert.All(cgroups, folder => Assert.True(Directory.Exists(folder), $"{folder} should be left by the kill"));
            Assert.True(Directory.Exists(sockets));

            await using var second = await ServerProcess.StartAsync(AppContext.BaseDirectory, data, "--python", KernelSession.DebianPython);
            await WaitUntilAsync(() => !Directory.Exists(sockets) && cgroups.All(folder => !Directory.Exists(folder)));
            Assert.All(cgroups, folder => Assert.False(Directory.Exists(folder), $"{folder} is still there after the restart"));
            Assert.False(Directory.Exists(sockets), $"{sockets} is still there after the restart");
        }
        finally
        {
            TempFolders.Delete(data);
        }
    }

    [Fact]
    public void Socket_folders_of_running_appliances_are_kept()
    {
        var temp = TempFolders.Create("sockets-root");
        try
        {
            var dead = Directory.CreateDirectory(Path.Combine(temp, $"{KernelServices.SocketsRootPrefix}999999-abcd1234")).FullName;
            Directory.CreateDirectory(Path.Combine(dead, "worker"));
            var live = Directory.CreateDirectory(Path.Combine(temp, $"{KernelServices.SocketsRootPrefix}{Environment.ProcessId}-abcd1234")).FullName;
            var other = Directory.CreateDirectory(Path.Combine(temp, "nanochat-kernels-not-a-pid")).FullName;

            Assert.Equal(1, KernelLeftovers.RemoveSocketFolders(temp, pid => pid == Environment.ProcessId));
            Assert.False(Directory.Exists(dead));
            Assert.True(Directory.Exists(live));
            Assert.True(Directory.Exists(other));
        }
        finally
        {
            TempFolders.Delete(temp);
        }
    }

    private static IEnumerable<string> SocketFoldersOf(int pid) =>
        Directory.GetDirectories(Path.GetTempPath(), $"{KernelServices.SocketsRootPrefix}{pid}-*");

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var tries = 0; tries < 100 && !condition(); tries++)
            await Task.Delay(100);
    }
}
