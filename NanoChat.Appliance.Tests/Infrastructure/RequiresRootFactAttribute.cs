namespace NanoChat.Appliance.Tests.Infrastructure;

/// <summary>
/// A fact about what a root appliance does (kernels under their own account, network namespaces of
/// test hosts); skipped with the reason when the tests do not run as root. CI runs them as root.
/// </summary>
public sealed class RequiresRootFactAttribute : FactAttribute
{
    public RequiresRootFactAttribute()
    {
        if (!Environment.IsPrivilegedProcess)
            Skip = "Needs the tests to run as root (as the appliance runs on a cgroup v1 box, and as CI runs them).";
    }
}
