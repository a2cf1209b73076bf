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
        // The antiforgery keys sit unencrypted in the data folder on purpose, like signing.key: the
        // folder is the owner's alone (0700) and hidden from every kernel. Without this, the first
        // start greets the instructor with "may be persisted to storage in unencrypted form".
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection.KeyManagement.XmlKeyManager", LogLevel.Error);
        return builder;
    }
}
