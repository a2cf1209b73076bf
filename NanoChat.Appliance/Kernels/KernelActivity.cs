using NanoChat.Appliance.Accounts;

namespace NanoChat.Appliance.Kernels;

/// <summary>A cell running or queued counts as activity: a long training run does not sign its student out.</summary>
public sealed class KernelActivity(KernelManager kernels) : IUserActivity
{
    public bool IsBusy(long userId) => kernels.IsRunningCode(userId);
}
