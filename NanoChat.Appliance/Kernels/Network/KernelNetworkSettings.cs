using NanoChat.Appliance.Storage;

namespace NanoChat.Appliance.Kernels.Network;

/// <summary>
/// The class's network policy for kernels, kept in the settings table across restarts: off (the
/// default: each kernel's network namespace has nothing but its own loopback) or outbound web
/// downloads through the <see cref="EgressProxy"/> (for nanochat's downloads where the course data
/// is not staged). Applies to kernels started after the change.
/// </summary>
public sealed class KernelNetworkSettings(Database database)
{
    private const string InternetKey = "kernel_internet";

    public bool InternetAllowed
    {
        get => database.Read(connection => connection.Scalar("SELECT value FROM settings WHERE key = $k", null, ("$k", InternetKey)) as string) == "true";
        set => database.Write((connection, transaction) => connection.Execute(
            "INSERT INTO settings (key, value) VALUES ($k, $v) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            transaction, ("$k", InternetKey), ("$v", value ? "true" : "false")));
    }
}
