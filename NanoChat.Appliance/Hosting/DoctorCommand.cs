namespace NanoChat.Appliance.Hosting;

/// <summary>
/// `doctor [--data DIR] [--python PATH] [--nanochat DIR]`: is this box ready for a class? One line per
/// check starting with ok:, warn: or missing:, each with its fix; exits 1 only when something the
/// appliance itself needs is missing (a Python with libpython, a sandbox when run as root).
/// </summary>
public static class DoctorCommand
{
    public static int Run(string[] args)
    {
        var options = new CommandShape("doctor", "Checks that this box is ready for a class.", "data", "python", "nanochat").Parse(args).Options();
        var checks = Doctor.BoxDoctor.Run(options, Kernels.SandboxStatus.Detect(options.Kernels));
        foreach (var check in checks)
            Console.WriteLine(check);
        return checks.Any(check => check.Essential && check.Status == Doctor.DoctorCheck.Missing) ? 1 : 0;
    }
}
