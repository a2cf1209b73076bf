using NanoChat.Appliance.Accounts;

namespace NanoChat.Appliance.Workspaces;

/// <summary>Students' workspaces: their folders and owner, the quota and disk reserve, the watchdog, and the instructor's storage view.</summary>
public static class WorkspacesSetup
{
    public sealed record StorageRow(string Username, long UsedBytes, long QuotaBytes);

    public sealed record QuotaSetting(long QuotaBytes);

    public static IServiceCollection AddWorkspaces(this IServiceCollection services)
    {
        services.AddSingleton<WorkspaceFolders>();
        services.AddSingleton<WorkspaceQuota>();
        services.AddSingleton<WorkspaceWatchdog>();
        services.AddHostedService(provider => provider.GetRequiredService<WorkspaceWatchdog>());
        return services;
    }

    public static WebApplication MapWorkspaces(this WebApplication app)
    {
        // GET /api/admin/storage: each account's workspace as it is on disk now, and the quota.
        app.MapGet("/api/admin/storage", (UserStore users, WorkspaceFolders folders, WorkspaceQuota quota) =>
            users.All().Select(user => new StorageRow(user.Username, DiskUsage.Measure(folders.PathOf(user.Id)), quota.QuotaBytes)).ToList())
            .RequireAuthorization(AccountsSetup.InstructorPolicy).WithTags("Workspaces");
        // PUT /api/admin/storage/quota {quotaBytes}: the class's quota (0: sized from the disk), for kernels started from now on.
        app.MapPut("/api/admin/storage/quota", (QuotaSetting setting, WorkspaceQuota quota, Admin.EventLog events, HttpContext http) =>
        {
            if (quota.Check(setting.QuotaBytes) is { } problem)
                return Web.Problems.BadRequest(problem);
            quota.ChosenBytes = setting.QuotaBytes == 0 ? null : setting.QuotaBytes;
            events.InstructorAction(http.User.Username(), null, $"set the workspace quota to {(setting.QuotaBytes == 0 ? "the default" : Admin.ConsoleFormatting.Bytes(setting.QuotaBytes))}");
            return Results.Ok(new QuotaSetting(quota.QuotaBytes));
        }).RequireAuthorization(AccountsSetup.InstructorPolicy).WithTags("Workspaces");
        return app;
    }
}
