using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace NanoChat.Appliance.Hosting;

/// <summary>Kestrel, logging and systemd integration for the web process.</summary>
public static class ApplianceHosting
{
    public static WebApplicationBuilder UseApplianceHosting(this WebApplicationBuilder builder, ApplianceOptions options)
    {
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.WebHost.UseUrls(options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
        });
        builder.Services.Configure<KestrelServerOptions>(kestrel => kestrel.AllowSynchronousIO = false);
        // Ready notification and journald-friendly logs when started by systemd; a no-op otherwise.
        builder.Host.UseSystemd();
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        return builder;
    }
}
