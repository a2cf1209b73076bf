using NanoChat.Appliance.Accounts;
using NanoChat.Appliance.Hosting;

namespace NanoChat.Appliance.Admin;

/// <summary>
/// The instructor console: every `/admin…` page and `/api/admin/…` route sits in one of two groups
/// that require the instructor role, so a student gets 404 (<see cref="HideForbiddenAsNotFound"/>)
/// and an anonymous caller 401 (API) or the sign-in page. <see cref="IKernelControl"/> is not
/// registered here: the kernel manager registers it, and the console shows kernels only then.
/// </summary>
public static class AdminSetup
{
    public static IServiceCollection AddAdmin(this IServiceCollection services, ApplianceOptions options)
    {
        services.AddSingleton<EventLog>();
        services.AddSingleton<AccountAdmin>();
        services.AddSingleton<BoxHealth>();
        services.AddSingleton<BackupService>();
        services.AddSingleton<HandOuts>();
        services.AddSingleton<HandOutProgress>();
        services.AddSingleton<StudentAddress>();
        services.AddSingleton(_ => new GpuPresence());
        if (options.NightlyBackupHour >= 0)
            services.AddHostedService<NightlyBackup>();
        return services;
    }

    public static WebApplication MapAdmin(this WebApplication app)
    {
        var api = app.MapGroup("/api/admin").RequireAuthorization(AccountsSetup.InstructorPolicy).WithTags("Admin");
        api.MapUsersApi();
        api.MapHandOutApi();
        api.MapConsoleApi();
        api.MapStudentAddressApi();

        var pages = app.MapGroup("/admin").RequireAuthorization(AccountsSetup.InstructorPolicy).ExcludeFromDescription();
        pages.MapConsolePages();
        pages.MapUserPages();
        pages.MapHandOutPages();
        pages.MapStudentCodePages();
        pages.MapStudentAddressPage();
        return app;
    }
}
