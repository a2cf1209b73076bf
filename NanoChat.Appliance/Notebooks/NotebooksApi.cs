using System.Text.Json.Nodes;
using NanoChat.Appliance.Accounts;
using NanoChat.Appliance.Hosting;
using NanoChat.Appliance.Projects;
using NanoChat.Appliance.Web;

namespace NanoChat.Appliance.Notebooks;

/// <summary>
/// `/api/projects/{id}/notebooks` and `/api/notebooks/{id}`: create, list, get, save (with the
/// revision it was based on; stale → 409 with the current revision), delete, and the history.
/// </summary>
public static class NotebooksApi
{
    public sealed record CreateNotebookRequest(string? Name, List<Cell?>? Cells = null, JsonObject? Metadata = null);
    public sealed record SaveNotebookRequest(long? Revision, string? Name = null, List<Cell?>? Cells = null, JsonObject? Metadata = null);

    public static IServiceCollection AddNotebooks(this IServiceCollection services, ApplianceOptions options)
    {
        services.AddSingleton<NotebookStore>();
        services.AddSingleton<MarkdownRendering>();
        services.AddSingleton<MarkdownBatches>();
        return services;
    }

    public static WebApplication MapNotebooks(this WebApplication app)
    {
        var inProject = app.MapGroup("/api/projects/{projectId:long}/notebooks").RequireAuthorization().WithTags("Notebooks");
        inProject.MapGet("", (long projectId, HttpContext http, ProjectStore projects, NotebookStore notebooks) =>
            projects.Find(http.User.Id(), projectId) is null ? Problems.NotFound("The project") : Results.Ok(notebooks.List(http.User.Id(), projectId)));

        inProject.MapPost("", (long projectId, CreateNotebookRequest request, HttpContext http, NotebookStore notebooks) =>
        {
            var (name, nameError) = DisplayNames.Check(request.Name, "notebook");
            if (name is null)
                return Problems.BadRequest(nameError!);
            var (cells, cellError) = CellValidation.Check(request.Cells ?? [new Cell("", "code", "")]);
            if (cells is null)
                return Problems.BadRequest(cellError!);
            return notebooks.Create(http.User.Id(), projectId, name, cells, request.Metadata) is { } notebook
                ? Results.Created($"/api/notebooks/{notebook.Id}", notebook)
                : Problems.NotFound("The project");
        });

        var api = app.MapGroup("/api/notebooks/{id:long}").RequireAuthorization().WithTags("Notebooks");
        api.MapGet("", (long id, HttpContext http, NotebookStore notebooks) =>
            notebooks.Find(http.User.Id(), id) is { } notebook ? Results.Ok(notebook) : Problems.NotFound("The notebook"));

        api.MapPut("", (long id, SaveNotebookRequest request, HttpContext http, NotebookStore notebooks) =>
        {
            if (request.Revision is not { } revision)
                return Problems.BadRequest("A save carries the 'revision' it was based on.");
            string? name = null;
            if (request.Name is not null)
            {
                (name, var nameError) = DisplayNames.Check(request.Name, "notebook");
                if (name is null)
                    return Problems.BadRequest(nameError!);
            }
            List<Cell>? cells = null;
            if (request.Cells is not null)
            {
                (cells, var cellError) = CellValidation.Check(request.Cells);
                if (cells is null)
                    return Problems.BadRequest(cellError!);
            }
            return notebooks.Save(http.User.Id(), id, revision, name, cells, request.Metadata) switch
            {
                SaveOutcome.Saved saved => Results.Ok(saved.Notebook),
                SaveOutcome.Stale stale => Problems.Conflict(
                    $"The notebook was saved elsewhere (revision {stale.CurrentRevision}) after revision {revision}; nothing was overwritten.",
                    new Dictionary<string, object?> { ["currentRevision"] = stale.CurrentRevision }),
                _ => Problems.NotFound("The notebook"),
            };
        });

        api.MapDelete("", (long id, HttpContext http, NotebookStore notebooks) =>
            notebooks.Delete(http.User.Id(), id) ? Results.NoContent() : Problems.NotFound("The notebook"));

        api.MapGet("/revisions", (long id, HttpContext http, NotebookStore notebooks) =>
            notebooks.Revisions(http.User.Id(), id) is { } revisions ? Results.Ok(revisions) : Problems.NotFound("The notebook"));

        api.MapGet("/revisions/{revision:long}", (long id, long revision, HttpContext http, NotebookStore notebooks) =>
            notebooks.Revision(http.User.Id(), id, revision) is { } old ? Results.Ok(new { revision, old.Name, old.Cells }) : Problems.NotFound("The revision"));

        app.MapNotebookPages();
        return app;
    }
}
