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

/// <summary>Everything a launcher needs to start one user's worker.</summary>
public sealed record KernelLaunch(long UserId, string Username, string Workspace, string SocketPath, Worker.PythonInstallation Python);

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
