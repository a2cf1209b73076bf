using System.Collections;

namespace NanoChat.Appliance.Kernels.Sandbox;

/// <summary>
/// A kernel's environment, built from an allowlist and never copied from the server's: an
/// instructor's service may carry secrets in its environment (an SMTP password, an API token), and
/// anything copied would be one <c>os.environ</c> away from every student. What passes: the locale,
/// the time zone and terminal type, and the CUDA/NVIDIA/NCCL settings that choose and tune GPUs.
/// Everything else a kernel sees is set here by the appliance itself (home, path, user, limits).
/// </summary>
public static class KernelEnvironment
{
    /// <summary>Names copied from the server's environment when present.</summary>
    public static readonly IReadOnlySet<string> CopiedNames = new HashSet<string>(StringComparer.Ordinal)
    {
        "LANG", "LANGUAGE", "TZ", "TERM", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NANOCHAT_DTYPE",
    };

    /// <summary>Prefixes of names copied from the server's environment (locale categories, GPU selection and tuning).</summary>
    public static readonly IReadOnlyList<string> CopiedPrefixes = ["LC_", "CUDA_", "NVIDIA_", "NCCL_"];

    /// <summary>Folders searched for programs after the interpreter's own: the usual system ones, nothing of the server's PATH.</summary>
    public const string SystemPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    public static bool IsCopied(string name) =>
        CopiedNames.Contains(name) || CopiedPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal));

    /// <summary>
    /// The environment of one kernel: the allowed part of <paramref name="server"/>, then what the
    /// appliance sets (which wins over anything copied).
    /// </summary>
    public static Dictionary<string, string> Build(IDictionary server, string home, string pythonExecutable, string? user, IReadOnlyDictionary<string, string> appliance)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in server)
        {
            if (entry.Key is string name && entry.Value is string value && IsCopied(name))
                environment[name] = value;
        }
        environment["HOME"] = home;
        // `!python …` and `!pip …` in a cell find the kernel's own interpreter first, as in an activated venv.
        var pythonFolder = Path.GetDirectoryName(pythonExecutable);
        environment["PATH"] = string.IsNullOrEmpty(pythonFolder) ? SystemPath : $"{pythonFolder}:{SystemPath}";
        if (user is not null)
        {
            // getpass.getuser() (torch's compile cache, for one) reads these before the passwd file.
            environment["USER"] = user;
            environment["LOGNAME"] = user;
        }
        environment.TryAdd("LANG", "C.UTF-8");
        foreach (var (name, value) in appliance)
            environment[name] = value;
        return environment;
    }
}
