using NanoChat.Appliance.Accounts;
using NanoChat.Appliance.Notebooks;
using NanoChat.Appliance.Web;

namespace NanoChat.Appliance.Projects;

/// <summary>
/// The projects page (`/`) and a project's page (`/projects/{id}`), with htmx fragments for
/// create, rename and delete so the list updates in place.
/// </summary>
public static class ProjectPages
{
    public static WebApplication MapProjectPages(this WebApplication app)
    {
        var pages = app.MapGroup("").RequireAuthorization().ExcludeFromDescription();

        // An instructor without students yet is guided to create the class first, not left on an empty list.
        pages.MapGet("/", (HttpContext http, PageRenderer renderer, ProjectStore projects, UserStore users) =>
            renderer.Page(http, "projects/list.html", "Projects", new
            {
                Projects = projects.List(http.User.Id()),
                SetUpClass = http.User.IsInRole(Roles.Instructor) && !users.All().Any(user => user.Role == Roles.Student),
            }));

        pages.MapPost("/projects", async (HttpContext http, PageRenderer renderer, ProjectStore projects) =>
        {
            var form = await http.Request.ReadFormAsync();
            var (name, error) = DisplayNames.Check(form["name"], "project");
            if (name is null)
                return renderer.Fragment(http, "projects/_form_error.html", new { Error = error }, 400);
            return renderer.Fragment(http, "projects/_row.html", new { Project = projects.Create(http.User.Id(), name) });
        });

        pages.MapPost("/projects/{id:long}/rename", async (long id, HttpContext http, PageRenderer renderer, ProjectStore projects) =>
        {
            var form = await http.Request.ReadFormAsync();
            var (name, error) = DisplayNames.Check(form["name"], "project");
            if (name is null)
                return renderer.Fragment(http, "projects/_form_error.html", new { Error = error }, 400);
            return projects.Rename(http.User.Id(), id, name) is { } project
                ? renderer.Fragment(http, "projects/_row.html", new { Project = project })
                : Problems.NotFound("The project");
        });

        pages.MapDelete("/projects/{id:long}", (long id, HttpContext http, ProjectStore projects) =>
            projects.Delete(http.User.Id(), id) ? Results.Content("", "text/html") : Problems.NotFound("The project"));

        pages.MapGet("/projects/{id:long}", (long id, HttpContext http, PageRenderer renderer, ProjectStore projects, NotebookStore notebooks) =>
            projects.Find(http.User.Id(), id) is { } project
                ? renderer.Page(http, "projects/detail.html", project.Name, new { Project = project, Notebooks = notebooks.List(http.User.Id(), id) })
                : renderer.Page(http, "errors/not_found.html", "Not found", null, 404));
        return app;
    }
}
