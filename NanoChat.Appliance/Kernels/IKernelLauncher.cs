using System.Diagnostics;
using System.Text;

namespace NanoChat.Appliance.Kernels;

/// <summary>
/// Where a worker runs. The local launcher starts it on this box in a sandbox; a Slurm or Kubernetes
/// launcher (architecture.md, "Beyond one box") would implement the same call.
/// </summary>
public interface IKernelLauncher
{
    KernelProcess Launch(KernelLaunch request);
}

/// <summary>
/// Everything a launcher needs to start one user's worker: where its workspace and socket are, its
/// Python, the largest file it may write (the workspace quota, as RLIMIT_FSIZE; 0 = none), and the
/// web process's egress proxy socket when the class may reach the internet (null: no network at all),
/// and where the staged course data is shown to it.
/// </summary>
public sealed record KernelLaunch(long UserId, string Username, string Workspace, string SocketPath, Worker.PythonInstallation Python,
    long FileSizeLimitBytes = 0, string? ProxySocketPath = null, CourseData.CourseMounts.Plan? Course = null)
{
    /// <summary>nanochat's NANOCHAT_BASE_DIR in the kernel: in the workspace, so students' own checkpoints stay theirs.</summary>
    public string NanochatBase => Path.Combine(Workspace, ".cache", "nanochat");
}

/// <summary>
/// A started worker as the web process sees it: the OS process (bwrap or the worker itself), its
/// cgroup, and the last lines it wrote to stderr (its "last words" when it dies on start).
/// </summary>
public sealed class KernelProcess(Process process, KernelCgroup? cgroup, bool sandboxed) : IDisposable
{
    private const int LastWordsChars = 4000;
    private readonly StringBuilder _stderr = new();

    public Process Process { get; } = process;
    public KernelCgroup? Cgroup { get; } = cgroup;
    public bool Sandboxed { get; } = sandboxed;
    public int Pid { get; } = process.Id;

    public string LastWords
    {
        get
        {
            lock (_stderr)
                return _stderr.ToString().Trim();
        }
    }

    internal void CollectStderr()
    {
        Process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is null)
                return;
            lock (_stderr)
            {
                _stderr.AppendLine(line.Data);
                if (_stderr.Length > LastWordsChars)
                    _stderr.Remove(0, _stderr.Length - LastWordsChars);
            }
        };
        Process.BeginErrorReadLine();
    }

    /// <summary>
    /// Kills every process of this kernel's cgroup except the worker itself (<paramref name="workerPid"/>,
    /// as the worker sees its own pid) and the sandbox around it: what a cell started (`!dd …`, a
    /// background job) ends, the student's variables stay. Answers how many were killed; 0 without a cgroup.
    /// </summary>
    public int KillProcessesOtherThanTheWorker(int workerPid)
    {
        if (Cgroup is null)
            return 0;
        var killed = 0;
        foreach (var pid in Cgroup.Processes())
        {
            var innerPid = InnermostPid(pid);
            if (pid == Pid || innerPid == workerPid || (Sandboxed && innerPid == 1) || innerPid is null)
                continue;
            try
            {
                using var child = Process.GetProcessById(pid);
                child.Kill();
                killed++;
            }
            catch (Exception error) when (error is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Gone meanwhile.
            }
        }
        return killed;
    }

    /// <summary>A host pid's number in its innermost pid namespace (the NSpid line), or null when it is gone.</summary>
    private static int? InnermostPid(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(text => text.StartsWith("NSpid:", StringComparison.Ordinal));
            var last = line?.Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
            return int.TryParse(last, System.Globalization.CultureInfo.InvariantCulture, out var inner) ? inner : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Kill()
    {
        try
        {
            Process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public void Dispose()
    {
        Kill();
        Process.Dispose();
        Cgroup?.Remove();
    }
}
