using NanoChat.Appliance.Accounts;
using NanoChat.Appliance.Hosting;
using NanoChat.Appliance.Projects;
using NanoChat.Appliance.Web;

namespace NanoChat.Appliance.Notebooks;

/// <summary>The notebook page (`/notebooks/{id}`) and the htmx fragments of a project's notebook list.</summary>
public static class NotebookPages
{
    public static WebApplication MapNotebookPages(this WebApplication app)
    {
        var pages = app.MapGroup("").RequireAuthorization().ExcludeFromDescription();

        // The editor: the page carries the notebook's id, project and revision; the cells come from the
        // JSON API (one source of truth for the page, scripts and tests) and are built by notebook.js.
        pages.MapGet("/notebooks/{id:long}", (long id, HttpContext http, PageRenderer renderer, NotebookStore notebooks, ProjectStore projects, ApplianceOptions options, LocalTimes times) =>
        {
            var notebook = notebooks.Find(http.User.Id(), id);
            if (notebook is null)
                return renderer.Page(http, "errors/not_found.html", "Not found", null, 404);
            var project = projects.Find(http.User.Id(), notebook.ProjectId);
            return renderer.Page(http, "notebooks/page.html", notebook.Name, new { Notebook = notebook, Project = project, StartKernel = options.Kernels.StartOnOpen, TimeZone = times.BrowserZoneId });
        });

        pages.MapPost("/projects/{projectId:long}/notebooks", async (long projectId, HttpContext http, PageRenderer renderer, NotebookStore notebooks) =>
        {
            var form = await http.Request.ReadFormAsync();
            var (name, error) = DisplayNames.Check(form["name"], "notebook");
            if (name is null)
                return renderer.Fragment(http, "projects/_form_error.html", new { Error = error }, 400);
            var notebook = notebooks.Create(http.User.Id(), projectId, name, [new Cell(CellValidation.NewId(), "code", "")]);
            if (notebook is null)
                return Problems.NotFound("The project");
            return renderer.Fragment(http, "notebooks/_row.html", new { Notebook = new NotebookSummary(notebook.Id, notebook.ProjectId, notebook.Name, notebook.Revision, notebook.UpdatedAt, notebook.Cells.Count) });
        });

        pages.MapDelete("/notebooks/{id:long}", (long id, HttpContext http, NotebookStore notebooks) =>
            notebooks.Delete(http.User.Id(), id) ? Results.Content("", "text/html") : Problems.NotFound("The notebook"));
        app.MapEditorSupport();
        return app;
    }
}
