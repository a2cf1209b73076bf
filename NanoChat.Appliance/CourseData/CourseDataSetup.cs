using NanoChat.Appliance.Hosting;

namespace NanoChat.Appliance.CourseData;

/// <summary>Course data: the store under DATA/course, staging from folders, archives and URLs, background jobs, the console page and API.</summary>
public static class CourseDataSetup
{
    public static IServiceCollection AddCourseData(this IServiceCollection services, ApplianceOptions options)
    {
        services.AddSingleton(new CourseStore(options.DataDirectoryFullPath));
        // One client for the process; a download may take an hour, so no overall timeout (a stalled connection ends the attempt).
        services.AddSingleton(provider => new CourseDownload(new HttpClient { Timeout = Timeout.InfiniteTimeSpan }, provider.GetRequiredService<CourseStore>()));
        services.AddSingleton(provider => new CourseStaging(provider.GetRequiredService<CourseStore>(), provider.GetRequiredService<CourseDownload>(),
            options.CourseLimits, () => Workspaces.WorkspaceQuota.FreeAboveReserve(options)));
        services.AddSingleton<CourseDataJobs>();
        return services;
    }

    public static WebApplication MapCourseData(this WebApplication app)
    {
        var api = app.MapGroup("/api/admin").RequireAuthorization(Accounts.AccountsSetup.InstructorPolicy);
        api.MapCourseDataApi();
        var pages = app.MapGroup("/admin").RequireAuthorization(Accounts.AccountsSetup.InstructorPolicy).ExcludeFromDescription();
        pages.MapCourseDataPages();
        return app;
    }
}
