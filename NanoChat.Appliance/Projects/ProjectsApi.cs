using NanoChat.Appliance.Accounts;
using NanoChat.Appliance.Web;

namespace NanoChat.Appliance.Projects;

/// <summary>`/api/projects`: create, list, get, rename, delete. Only the caller's own projects exist for them.</summary>
public static class ProjectsApi
{
    public sealed record ProjectRequest(string? Name);

    public static IServiceCollection AddProjects(this IServiceCollection services) => services.AddSingleton<ProjectStore>();

    public static WebApplication MapProjects(this WebApplication app)
    {
        var api = app.MapGroup("/api/projects").RequireAuthorization().WithTags("Projects");
        api.MapGet("", (HttpContext http, ProjectStore projects) => projects.List(http.User.Id()));

        api.MapPost("", (ProjectRequest request, HttpContext http, ProjectStore projects) =>
            DisplayNames.Check(request.Name, "project") switch
            {
                (null, var error) => Problems.BadRequest(error!),
                (var name, _) => Results.Created($"/api/projects", projects.Create(http.User.Id(), name!)) as IResult,
            });

        api.MapGet("/{id:long}", (long id, HttpContext http, ProjectStore projects) =>
            projects.Find(http.User.Id(), id) is { } project ? Results.Ok(project) : Problems.NotFound("The project"));

        api.MapPatch("/{id:long}", (long id, ProjectRequest request, HttpContext http, ProjectStore projects) =>
        {
            var (name, error) = DisplayNames.Check(request.Name, "project");
            if (name is null)
                return Problems.BadRequest(error!);
            return projects.Rename(http.User.Id(), id, name) is { } project ? Results.Ok(project) : Problems.NotFound("The project");
        });

        api.MapDelete("/{id:long}", (long id, HttpContext http, ProjectStore projects) =>
            projects.Delete(http.User.Id(), id) ? Results.NoContent() : Problems.NotFound("The project"));

        app.MapProjectPages();
        return app;
    }
}
