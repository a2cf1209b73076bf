using System.Diagnostics;
using System.Globalization;
using NanoChat.Appliance.Hosting;
using NanoChat.Appliance.Kernels.Sandbox;

namespace NanoChat.Appliance.Kernels;

/// <summary>
/// Starts a worker on this box: the appliance's own binary (`kernel …`; under `dotnet` in tests,
/// `dotnet NanoChat.Appliance.dll kernel …`) inside bubblewrap (<see cref="SandboxLayout"/>: read-only
/// system, its own pid and network namespaces, the data folder hidden except this user's workspace,
/// no capabilities, /dev/nvidia* passed through), as the unprivileged <see cref="KernelUser"/> when
/// the appliance is root, in a cgroup with the configured limits, with an environment built from an
/// allowlist (<see cref="KernelEnvironment"/>). A small /bin/sh step joins the cgroup and sets
/// RLIMIT_NOFILE and RLIMIT_FSIZE before exec, so nothing runs unlimited.
/// </summary>
public sealed class LocalKernelLauncher(ApplianceOptions options, SandboxStatus sandbox, PythonLocator python, ILogger<LocalKernelLauncher> logger) : IKernelLauncher
{
    // Arguments: open files, file size in 512-byte blocks (dash's unit) or "unlimited", the cgroup.procs
    // files to join, then the command. Passed as arguments, not variables, so they do not reach the kernel.
    private const string JoinCgroupAndExec = """
        nofile=$1 fsize=$2 procs=$3; shift 3
        ulimit -n "$nofile" || exit 96
        [ "$fsize" = unlimited ] || ulimit -f "$fsize" || exit 95
        for f in $procs; do echo $$ > "$f" || exit 97; done
        exec "$@"
        """;

    /// <summary>The port the worker's relay to the egress proxy listens on, inside the kernel's own network namespace.</summary>
    public const int ProxyRelayPort = 3128;

    private bool _sharedFoldersReadable;

    public KernelProcess Launch(KernelLaunch request)
    {
        if (sandbox.Refusal is { } refusal)
            throw new KernelStartException(refusal);
        if (sandbox.User is not null && !_sharedFoldersReadable)
        {
            // Once per web process: what the kernel account runs from, created root-only under UMask=0077.
            foreach (var folder in new[] { python.FolderToExpose, BundleExtraction.Folder }.OfType<string>())
                ReadableTree.Apply(folder);
            _sharedFoldersReadable = true;
        }
        KernelCgroup? cgroup = null;
        if (sandbox.CgroupVersion > 0)
        {
            try
            {
                cgroup = KernelCgroup.Create(KernelCgroup.NameFor(request.UserId), options.Kernels);
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
        start.ArgumentList.Add(options.Kernels.OpenFilesLimit.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add(request.FileSizeLimitBytes > 0 ? (request.FileSizeLimitBytes / 512).ToString(CultureInfo.InvariantCulture) : "unlimited");
        start.ArgumentList.Add(cgroup is null ? "" : string.Join(' ', cgroup.ProcsFiles));
        if (sandbox.Bubblewrap)
        {
            foreach (var argument in Layout(request).BubblewrapArguments(SandboxStatus.BubblewrapPath))
                start.ArgumentList.Add(argument);
        }
        foreach (var argument in WorkerCommand(request))
            start.ArgumentList.Add(argument);

        start.WorkingDirectory = request.Workspace;
        var environment = KernelEnvironment.Build(Environment.GetEnvironmentVariables(), request.Workspace, request.Python.Executable, sandbox.User?.Name, ApplianceVariables(request));
        start.Environment.Clear();
        foreach (var (name, value) in environment)
            start.Environment[name] = value;

        var process = StarterThread.Start(start);
        process.StandardInput.Close(); // reading sys.stdin gets EOF instead of hanging (input() asks the page instead)
        var handle = new KernelProcess(process, cgroup, sandbox.Bubblewrap);
        handle.CollectStderr();
        return handle;
    }

    /// <summary>What the appliance itself sets in a kernel's environment.</summary>
    private Dictionary<string, string> ApplianceVariables(KernelLaunch request)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["DOTNET_gcServer"] = "0",
            ["DOTNET_TieredPGO"] = "0",
        };
        // Reuse the web process's unpacked native libraries (BundleExtraction): nothing is written
        // into the student's home at each start.
        if (BundleExtraction.BaseFolder is { } bundleBase)
            variables[BundleExtraction.BaseVariable] = bundleBase;
        if (options.Kernels.TestMisbehave is { } misbehave)
            variables[Worker.KernelWorker.MisbehaveVariable] = misbehave;
        variables["NANOCHAT_BASE_DIR"] = request.NanochatBase;
        foreach (var (name, value) in request.Course?.Environment ?? new Dictionary<string, string>())
            variables[name] = value;
        if (request.ProxySocketPath is not null)
        {
            // Downloads go through the web process's egress proxy (requests, urllib, huggingface_hub and
            // tiktoken read these); the kernel itself has no route anywhere.
            var proxy = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{ProxyRelayPort}");
            foreach (var name in new[] { "HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy" })
                variables[name] = proxy;
            variables["NO_PROXY"] = variables["no_proxy"] = "localhost,127.0.0.1,::1";
        }
        return variables;
    }

    private SandboxLayout Layout(KernelLaunch request)
    {
        var readOnly = new List<string?>
        {
            WorkerFolder(),
            Path.GetDirectoryName(Environment.ProcessPath),
            options.NanochatDirectory is { } nanochat ? Path.GetFullPath(nanochat) : null,
            request.Python.Prefix,
            Path.GetDirectoryName(request.Python.Executable),
            Path.GetDirectoryName(request.Python.LibraryPath),
        };
        var shown = new List<string?> { python.FolderToExpose, BundleExtraction.Folder };
        return new SandboxLayout(options.DataDirectoryFullPath, request.Workspace, Path.GetDirectoryName(request.SocketPath)!,
            Clean(readOnly), Clean(shown), sandbox.User, request.Course?.Mounts);
    }

    private static List<string> Clean(IEnumerable<string?> folders) =>
        [.. folders.OfType<string>().Where(folder => folder.Length > 0).Select(folder => Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder))).Distinct()];

    /// <summary>The folder of the appliance's own code: the single file's folder, or the folder of NanoChat.Appliance.dll under `dotnet`.</summary>
    private static string WorkerFolder() =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) != "dotnet"
            ? Path.GetDirectoryName(path)!
            : AppContext.BaseDirectory;

    private List<string> WorkerCommand(KernelLaunch request)
    {
        var command = new List<string>();
        var self = Environment.ProcessPath ?? throw new KernelStartException("The appliance cannot tell where its own binary is.");
        command.Add(self);
        // Under `dotnet` (tests, `dotnet NanoChat.Appliance.dll serve`) the app is a dll next to us;
        // a published single-file binary is ProcessPath itself.
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            command.Add(Path.Combine(AppContext.BaseDirectory, "NanoChat.Appliance.dll"));
        command.AddRange(["kernel", "--workdir", request.Workspace, "--socket", request.SocketPath, "--user", request.Username, "--python", request.Python.Executable, "--libpython", request.Python.LibraryPath, "--python-version", request.Python.Version,
            "--gpu-fraction", options.Kernels.GpuMemoryFraction.ToString(CultureInfo.InvariantCulture)]);
        if (options.NanochatDirectory is { } nanochat)
            command.AddRange(["--nanochat", Path.GetFullPath(nanochat)]);
        if (request.ProxySocketPath is { } proxy)
            command.AddRange(["--proxy-socket", proxy, "--proxy-port", ProxyRelayPort.ToString(CultureInfo.InvariantCulture)]);
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
