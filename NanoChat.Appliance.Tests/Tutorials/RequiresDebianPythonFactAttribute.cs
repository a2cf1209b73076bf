using System.Diagnostics;

namespace NanoChat.Appliance.Tests.Tutorials;

/// <summary>
/// A fact that runs a tutorial with Debian's /usr/bin/python3 (the test prerequisites install it);
/// with <see cref="WithOldTorch"/>, one that needs its torch to be 1.x (Debian 12's 1.13). Skipped with
/// the reason, never passed, where they are missing.
/// </summary>
public sealed class RequiresDebianPythonFactAttribute : FactAttribute
{
    private const string Python = "/usr/bin/python3";
    private bool _withOldTorch;

    public RequiresDebianPythonFactAttribute()
    {
        if (!File.Exists(Python))
            Skip = $"{Python} is missing (scripts/install-prerequisites.sh --tests installs it).";
    }

    public bool WithOldTorch
    {
        get => _withOldTorch;
        set
        {
            _withOldTorch = value;
            if (value && Skip is null && !TorchIsOld())
                Skip = $"{Python}'s torch is not 1.x (Debian 12's python3-torch is 1.13); this test checks the walkthrough names an old torch.";
        }
    }

    private static bool TorchIsOld()
    {
        using var process = Process.Start(new ProcessStartInfo(Python, ["-c", "import torch, sys; sys.exit(0 if int(torch.__version__.split('.')[0]) < 2 else 1)"]) { RedirectStandardError = true })!;
        process.WaitForExit(60_000);
        return process.ExitCode == 0;
    }
}
