using System.Globalization;
using NanoChat.Appliance.Admin;
using NanoChat.Appliance.Hosting;
using NanoChat.Appliance.Kernels.Protocol;

namespace NanoChat.Appliance.Kernels;

/// <summary>What every user's kernel shares: the launcher, the store, the options, the event log
/// (kernel starts and deaths, with their reasons, for the console's Events page), and the one way an
/// execution is finished (done event in its log, row updated). A singleton of the web process.</summary>
public sealed class KernelServices(ApplianceOptions options, IKernelLauncher launcher, ExecutionStore store, PythonLocator python, SandboxStatus sandbox,
    Workspaces.WorkspaceFolders workspaces, Workspaces.WorkspaceQuota quota, Network.KernelNetworkSettings network, CourseData.CourseStore course,
    EventLog events, ILogger<KernelManager> logger)
{
    /// <summary>Sockets folders are named for the web process (KernelLeftovers removes a dead one's).</summary>
    public const string SocketsRootPrefix = "nanochat-kernels-";

    private const long BigLogBytes = 16L * 1024 * 1024;

    // One folder per web host, not per process: test runs host several appliances in one process,
    // and one stopping (DeleteSocketsRoot) must not pull the folder from under another's kernels.
    private readonly string _socketsRoot = Path.Combine(Path.GetTempPath(),
        string.Create(CultureInfo.InvariantCulture, $"{SocketsRootPrefix}{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}"));

    public KernelOptions Options => options.Kernels;
    public ExecutionStore Store => store;
    public ILogger Logger => logger;
    public KernelEvents Events { get; } = new(events, logger);
    public KernelLimits Limits => new(options.Kernels.MemoryLimitBytes, options.Kernels.PidsLimit, options.Kernels.CpuCores, options.Kernels.GpuMemoryFraction);

    public async Task<WorkerConnection> StartWorkerAsync(long userId, string username)
    {
        var workspace = await Task.Run(() => workspaces.Prepare(userId));
        var interpreter = await Task.Run(python.Describe);
        var folder = Path.Combine(_socketsRoot, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_socketsRoot, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            // The kernel account walks into its own folder (bound read-only in its sandbox) to reach
            // the sockets it was given; it may not list or write it.
            File.SetUnixFileMode(folder, sandbox.User is null
                ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }
        Network.EgressProxy? proxy = null;
        try
        {
            if (network.InternetAllowed)
                proxy = Network.EgressProxy.Start(Path.Combine(folder, "proxy.sock"), sandbox.User, logger, username);
            var request = new KernelLaunch(userId, username, workspace, Path.Combine(folder, "kernel.sock"), interpreter,
                quota.QuotaBytes, proxy is null ? null : Path.Combine(folder, "proxy.sock"));
            var plan = CourseData.CourseMounts.For(course, request.NanochatBase);
            // The folders course data is shown over exist in the workspace, the student's own (an empty
            // mount point bwrap made would be root's).
            foreach (var nanochatFolder in plan.NanochatFolders)
                workspaces.EnsureFolder(userId, Path.Combine(".cache", "nanochat", nanochatFolder));
            request = request with { Course = plan };
            return await WorkerConnection.StartAsync(launcher, request, folder, options.Kernels, sandbox.User, proxy, CancellationToken.None);
        }
        catch
        {
            if (proxy is not null)
                await proxy.DisposeAsync();
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
            throw;
        }
    }

    /// <summary>Ends an execution once: error event (when a reason is given), done event, row updated.</summary>
    public void Finish(Execution execution, string status, int? executionCount, long durationMs, string? reason)
    {
        if (!execution.TryClaimFinish())
            return;
        var log = execution.Log;
        if (reason is not null)
        {
            var ename = status == ExecutionStatus.Interrupted ? "KeyboardInterrupt" : "KernelDied";
            log.Append(Execution.Event("error", ("ename", ename), ("evalue", reason), ("traceback", new System.Text.Json.Nodes.JsonArray(reason))));
        }
        log.Append(Execution.Event("done", ("status", status), ("executionCount", executionCount), ("durationMs", durationMs), ("reason", reason)));
        log.Complete();
        try
        {
            store.Finish(execution.Id, status, executionCount, reason, log.Bytes, execution.StartedAt);
            // A big log counts against the user's log budget now, not at the next routine prune.
            if (log.Bytes > BigLogBytes)
                _ = Task.Run(() => store.PruneLogs(execution.UserId));
        }
        catch (Exception error)
        {
            logger.LogError(error, "Execution {Id} finished as {Status} but its row could not be updated.", execution.Id, status);
        }
        execution.MarkFinished(status);
    }

    public void DeleteSocketsRoot()
    {
        try
        {
            if (Directory.Exists(_socketsRoot))
                Directory.Delete(_socketsRoot, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>The limits every worker gets, as instructors and students see them.</summary>
public sealed record KernelLimits(long MemoryBytes, int Pids, double CpuCores, double GpuMemoryFraction);

/// <summary>A queued or running execution, for the kernel status and the instructor console.</summary>
public sealed record QueuedExecution(long ExecutionId, long NotebookId, string? CellId, string Status);

/// <summary>A kernel as `GET /api/kernel` and the instructor console show it.</summary>
public sealed record KernelSnapshot(long UserId, string Username, string State, int? Pid, DateTimeOffset? StartedAt, long? UptimeSeconds,
    double? RunningSeconds, int QueueLength, IReadOnlyList<QueuedExecution> Queue, long RssBytes, long GpuBytes, string? PythonVersion,
    bool Sandboxed, IReadOnlyList<string> CgroupFolders, KernelLimits Limits, string? LastExitReason, int NotebooksWithVariables = 0, KernelRunningCell? Running = null);
