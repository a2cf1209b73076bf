using NanoChat.Appliance.Accounts;
using NanoChat.Appliance.Admin;
using NanoChat.Appliance.Web;

namespace NanoChat.Appliance.CourseData;

/// <summary>
/// The console's "Course data" page: what is staged (kind, size, date, where from), and three ways to
/// add: a folder on the box, a download, an upload. Each add is a job whose row polls itself every
/// second with a progress bar until it is done or refused.
/// </summary>
public static class CourseDataPages
{
    public static RouteGroupBuilder MapCourseDataPages(this RouteGroupBuilder pages)
    {
        pages.MapGet("/course-data", (HttpContext http, PageRenderer renderer, CourseStore store, CourseDataJobs jobs, LocalTimes times) =>
            renderer.Page(http, "admin/course_data.html", "Course data", Model(store, jobs, times)));

        pages.MapPost("/course-data", async (HttpContext http, PageRenderer renderer, CourseDataJobs jobs, EventLog events) =>
        {
            var form = await http.Request.ReadFormAsync();
            var source = form["source"].ToString().Trim();
            var name = Blank(form["name"]);
            var (kind, problem) = CourseDataApi.Check(form["kind"], name);
            if (source.Length == 0)
                problem = "Give a folder on this box or an http(s) address.";
            if (kind is null || problem is not null)
                return renderer.Fragment(http, "admin/_course_job.html", new { Job = (object?)null, Problem = problem });
            var job = jobs.Start(source, kind, name, Blank(form["sha256"]));
            events.InstructorAction(SignIn.Current(http)!.Username, null, $"started staging {job.Source} as course data ({kind.Name})");
            return renderer.Fragment(http, "admin/_course_job.html", new { Job = JobModel(job), Problem = (string?)null });
        });

        pages.MapPost("/course-data/upload", async (HttpContext http, PageRenderer renderer, CourseStore store, CourseDataJobs jobs, EventLog events, Hosting.ApplianceOptions options) =>
        {
            var (job, problem) = await CourseDataApi.UploadAsync(http, store, jobs, events, options);
            return renderer.Fragment(http, "admin/_course_job.html", new { Job = job is null ? null : JobModel(job), Problem = problem });
        });

        pages.MapGet("/course-data/jobs/{id}", (string id, HttpContext http, PageRenderer renderer, CourseDataJobs jobs) =>
            jobs.Find(id) is { } job
                ? renderer.Fragment(http, "admin/_course_job.html", new { Job = JobModel(job), Problem = (string?)null })
                : Results.NotFound());

        pages.MapPost("/course-data/{name}/remove", (string name, HttpContext http, CourseStore store, EventLog events) =>
        {
            if (store.Remove(name))
                events.InstructorAction(SignIn.Current(http)!.Username, null, $"removed the course item {name}");
            return Results.Content("", "text/html");
        });
        return pages;
    }

    private static object Model(CourseStore store, CourseDataJobs jobs, LocalTimes times) => new
    {
        Items = store.List().Select(item => new
        {
            item.Name,
            item.Kind,
            Size = ConsoleFormatting.Bytes(item.SizeBytes),
            item.Files,
            Added = times.Format(item.AddedAt),
            item.Source,
        }).ToList(),
        Kinds = CourseItemKind.All.Select(kind => new { kind.Name, kind.Description }).ToList(),
        Jobs = jobs.Recent().Where(job => job.State == "running").Select(JobModel).ToList(),
    };

    private static object JobModel(CourseDataJobs.Job job) => new
    {
        job.Id,
        job.State,
        job.Source,
        job.Kind,
        job.Name,
        job.Percent,
        Done = ConsoleFormatting.Bytes(job.Bytes),
        Total = job.TotalBytes is { } total ? ConsoleFormatting.Bytes(total) : null,
        job.Error,
        Item = job.Item is { } item ? $"{item.Name} ({ConsoleFormatting.Bytes(item.SizeBytes)}, {item.Files} files)" : null,
    };

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
