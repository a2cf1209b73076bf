using System.Diagnostics;
using System.Globalization;
using NanoChat.Appliance.Hosting;

namespace NanoChat.Appliance.Kernels;

/// <summary>
/// Starts a worker on this box: the appliance's own binary (`kernel …`; under `dotnet` in tests,
/// `dotnet NanoChat.Appliance.dll kernel …`) inside bubblewrap (read-only system, its own /proc and
/// pid namespace, the data folder hidden except this user's workspace as home and cwd, no
/// capabilities, /dev/nvidia* passed through) and a cgroup with the configured limits. A small
/// /bin/sh step joins the cgroup and sets RLIMIT_NOFILE before exec, so nothing runs unlimited.
/// </summary>
public sealed class LocalKernelLauncher(ApplianceOptions options, SandboxStatus sandbox, PythonLocator python, ILogger<LocalKernelLauncher> logger) : IKernelLauncher
{
    private const string JoinCgroupAndExec = """ulimit -n "$NANOCHAT_NOFILE" || exit 96; for f in $NANOCHAT_CGROUP_PROCS; do echo $$ > "$f" || exit 97; done; exec "$@" """;

    public KernelProcess Launch(KernelLaunch request)
    {
        KernelCgroup? cgroup = null;
        if (sandbox.CgroupVersion > 0)
        {
            try
            {
                cgroup = KernelCgroup.Create($"user-{request.UserId}-{Guid.NewGuid():N}", options.Kernels);
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                logger.LogWarning("The cgroup for {User}'s kernel could not be created ({Error}); it runs without limits.", request.Username, error.Message);
            }
        }

        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = false, RedirectStandardInput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(JoinCgroupAndExec);
        start.ArgumentList.Add("nanochat-kernel");
        if (sandbox.Bubblewrap)
        {
            foreach (var argument in SandboxArguments(request))
                start.ArgumentList.Add(argument);
        }
        foreach (var argument in WorkerCommand(request))
            start.ArgumentList.Add(argument);

        start.WorkingDirectory = request.Workspace;
        foreach (var name in new[] { "PYTHONHOME", "PYTHONPATH", "NANOCHAT_DATA", "NANOCHAT_URLS", "NANOCHAT_PYTHON", "NANOCHAT_DIR", "ASPNETCORE_URLS" })
            start.Environment.Remove(name);
        start.Environment["HOME"] = request.Workspace;
        start.Environment["NANOCHAT_NOFILE"] = options.Kernels.OpenFilesLimit.ToString(CultureInfo.InvariantCulture);
        start.Environment["NANOCHAT_CGROUP_PROCS"] = cgroup is null ? "" : string.Join(' ', cgroup.ProcsFiles);
        // Reuse the web process's unpacked native libraries (BundleExtraction): nothing is written
        // into the student's home at each start.
        if (BundleExtraction.BaseFolder is { } bundleBase)
            start.Environment[BundleExtraction.BaseVariable] = bundleBase;
        start.Environment["DOTNET_gcServer"] = "0";
        start.Environment["DOTNET_TieredPGO"] = "0";
        if (options.Kernels.TestMisbehave is { } misbehave)
            start.Environment[Worker.KernelWorker.MisbehaveVariable] = misbehave;
        if (options.NanochatDirectory is not null)
            start.Environment["NANOCHAT_BASE_DIR"] = Path.Combine(request.Workspace, ".cache", "nanochat");

        var process = StarterThread.Start(start);
        process.StandardInput.Close(); // reading sys.stdin gets EOF instead of hanging (input() asks the page instead)
        var handle = new KernelProcess(process, cgroup, sandbox.Bubblewrap);
        handle.CollectStderr();
        return handle;
    }

    private List<string> SandboxArguments(KernelLaunch request)
    {
        var data = options.DataDirectoryFullPath;
        var socketFolder = Path.GetDirectoryName(request.SocketPath)!;
        var arguments = new List<string>
        {
            SandboxStatus.BubblewrapPath,
            "--ro-bind", "/", "/",
            "--dev", "/dev",
            "--tmpfs", "/dev/shm",
            "--proc", "/proc",
            "--tmpfs", "/tmp",
        };
        // What the worker runs from (the appliance itself, a nanochat checkout) stays visible when it
        // lies under /tmp, read-only. Bound before the data folder is hidden: a binary kept next to
        // its data must not show the database through this.
        foreach (var folder in FoldersTheWorkerRunsFrom())
            arguments.AddRange(["--ro-bind", folder, folder]);
        arguments.AddRange(["--tmpfs", data, "--bind", request.Workspace, request.Workspace, "--bind", socketFolder, socketFolder]);
        // The single file's unpacked native libraries, read-only, wherever they lie (under /tmp or a
        // HOME inside the data folder they would be hidden, and the worker would unpack its own).
        // That folder holds only the bundle's files.
        if (BundleExtraction.Folder is { } bundle)
            arguments.AddRange(["--ro-bind", bundle, bundle]);
        foreach (var device in Directory.Exists("/dev") ? Directory.GetFiles("/dev", "nvidia*") : [])
            arguments.AddRange(["--dev-bind", device, device]);
        if (Directory.Exists("/dev/dri"))
            arguments.AddRange(["--dev-bind", "/dev/dri", "/dev/dri"]);
        if (python.FolderToExpose is { } venv)
            arguments.AddRange(["--ro-bind", venv, venv]);
        arguments.AddRange(["--chdir", request.Workspace, "--setenv", "HOME", request.Workspace,
            "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--hostname", "kernel",
            "--die-with-parent", "--new-session", "--cap-drop", "ALL", "--"]);
        return arguments;
    }

    private IEnumerable<string> FoldersTheWorkerRunsFrom()
    {
        var self = Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) != "dotnet"
            ? Path.GetDirectoryName(path)
            : AppContext.BaseDirectory;
        var folders = new[] { self, options.NanochatDirectory is { } nanochat ? Path.GetFullPath(nanochat) : null };
        return folders.OfType<string>().Select(folder => Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)))
            .Where(folder => folder.StartsWith("/tmp/", StringComparison.Ordinal) && Directory.Exists(folder)).Distinct();
    }

    private List<string> WorkerCommand(KernelLaunch request)
    {
        var command = new List<string>();
        var self = Environment.ProcessPath ?? throw new KernelStartException("The appliance cannot tell where its own binary is.");
        command.Add(self);
        // Under `dotnet` (tests, `dotnet NanoChat.Appliance.dll serve`) the app is a dll next to us;
        // a published single-file binary is ProcessPath itself.
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            command.Add(Path.Combine(AppContext.BaseDirectory, "NanoChat.Appliance.dll"));
        command.AddRange(["kernel", "--socket", request.SocketPath, "--user", request.Username, "--python", request.Python.Executable, "--libpython", request.Python.LibraryPath, "--python-version", request.Python.Version,
            "--gpu-fraction", options.Kernels.GpuMemoryFraction.ToString(CultureInfo.InvariantCulture)]);
        if (options.NanochatDirectory is { } nanochat)
            command.AddRange(["--nanochat", Path.GetFullPath(nanochat)]);
        return command;
    }
}

/// <summary>
/// Starts processes from one thread that never exits: bwrap's --die-with-parent (PR_SET_PDEATHSIG)
/// fires when the *thread* that forked it ends, and thread-pool threads do end.
/// </summary>
internal static class StarterThread
{
    private static readonly System.Collections.Concurrent.BlockingCollection<(ProcessStartInfo Start, TaskCompletionSource<Process> Done)> Work = CreateThread();

    public static Process Start(ProcessStartInfo start)
    {
        var done = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        Work.Add((start, done));
        return done.Task.GetAwaiter().GetResult();
    }

    private static System.Collections.Concurrent.BlockingCollection<(ProcessStartInfo, TaskCompletionSource<Process>)> CreateThread()
    {
        var work = new System.Collections.Concurrent.BlockingCollection<(ProcessStartInfo, TaskCompletionSource<Process>)>();
        new Thread(() =>
        {
            foreach (var (start, done) in work.GetConsumingEnumerable())
            {
                try
                {
                    done.SetResult(Process.Start(start) ?? throw new KernelStartException("The worker process could not be started."));
                }
                catch (Exception error)
                {
                    done.SetException(error);
                }
            }
        })
        { IsBackground = true, Name = "kernel-starter" }.Start();
        return work;
    }
}
