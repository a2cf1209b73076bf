using System.Diagnostics;

namespace NanoChat.Appliance.Tests.Kernels;

/// <summary>A fact that needs an NVIDIA GPU that Debian's python3 torch can use; skipped with the reason printed elsewhere.</summary>
public sealed class RequiresGpuFactAttribute : FactAttribute
{
    public RequiresGpuFactAttribute()
    {
        if (!Directory.Exists("/dev") || Directory.GetFiles("/dev", "nvidia*").Length == 0)
            Skip = "No GPU here (/dev/nvidia* missing); this test runs on a GPU box.";
        else if (!TorchSeesCuda())
            Skip = "A GPU is present but /usr/bin/python3's torch cannot use CUDA (install a CUDA build of torch).";
    }

    private static bool TorchSeesCuda()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(KernelSession.DebianPython, ["-c", "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)"]) { RedirectStandardError = true })!;
            process.WaitForExit(60_000);
            return process.ExitCode == 0;
        }
        catch (Exception)
        {
            return false;
        }
    }
}

/// <summary>A fact that needs a nanochat checkout with its .venv (NANOCHAT_DIR); skipped with the reason otherwise.</summary>
public sealed class RequiresNanochatFactAttribute : FactAttribute
{
    public RequiresNanochatFactAttribute()
    {
        var folder = Environment.GetEnvironmentVariable("NANOCHAT_DIR");
        if (folder is null || !File.Exists(Path.Combine(folder, ".venv", "bin", "python")))
            Skip = "No nanochat checkout: set NANOCHAT_DIR to a checkout with a .venv (uv sync) to run this test.";
    }
}
