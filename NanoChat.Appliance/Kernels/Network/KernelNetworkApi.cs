using NanoChat.Appliance.Accounts;
using NanoChat.Appliance.Admin;

namespace NanoChat.Appliance.Kernels.Network;

/// <summary>
/// `GET`/`PUT /api/admin/kernel-network {internet}`: the instructor's switch for outbound web
/// downloads from kernels (off by default). The answer says in words what kernels may reach.
/// </summary>
public static class KernelNetworkApi
{
    public sealed record NetworkSetting(bool Internet);

    public sealed record NetworkView(bool Internet, string Detail);

    public const string NoNetwork = "Kernels have no network: each has only its own loopback, nothing of this box and no internet.";
    public const string Downloads = "Kernels may download over http and https through the appliance's proxy; this box, its loopback and link-local addresses stay out of reach. Applies to kernels started from now on.";

    public static NetworkView View(bool internet) => new(internet, internet ? Downloads : NoNetwork);

    public static WebApplication MapKernelNetwork(this WebApplication app)
    {
        var group = app.MapGroup("/api/admin/kernel-network").RequireAuthorization(AccountsSetup.InstructorPolicy).WithTags("Kernels");
        group.MapGet("", (KernelNetworkSettings settings) => View(settings.InternetAllowed));
        group.MapPut("", (NetworkSetting setting, KernelNetworkSettings settings, EventLog events, HttpContext http) =>
        {
            settings.InternetAllowed = setting.Internet;
            events.InstructorAction(http.User.Username(), null, setting.Internet ? "allowed kernels to download from the internet" : "took kernels off the internet");
            return View(settings.InternetAllowed);
        });
        return app;
    }
}
