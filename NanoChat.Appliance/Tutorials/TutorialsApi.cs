using NanoChat.Appliance.Accounts;
using NanoChat.Appliance.Ipynb;
using NanoChat.Appliance.Web;

namespace NanoChat.Appliance.Tutorials;

/// <summary>
/// `GET /api/tutorials` (the catalog with the caller's copies), `POST /api/tutorials/{slug}/open`
/// (copy into the caller's Tutorials project; `?fresh=true` for a new copy), and for instructors
/// `POST /api/tutorials` (upload an .ipynb) and `DELETE /api/tutorials/{slug}`.
/// </summary>
public static class TutorialsApi
{
    public sealed record OpenAnswer(long NotebookId, long ProjectId, string Name, string Version, bool Created);

    public static IServiceCollection AddTutorials(this IServiceCollection services) =>
        services.AddSingleton<TutorialStore>().AddSingleton<TutorialCatalog>()
            .AddSingleton<Admin.ITutorialHandOuts, TutorialHandOutSource>();

    public static WebApplication MapTutorials(this WebApplication app)
    {
        var api = app.MapGroup("/api/tutorials").RequireAuthorization().WithTags("Tutorials");
        api.MapGet("", (HttpContext http, TutorialCatalog catalog) => Results.Ok(catalog.Entries(http.User.Id())));

        api.MapPost("/{slug}/open", (string slug, bool? fresh, HttpContext http, TutorialCatalog catalog) =>
            catalog.Open(http.User.Id(), slug, fresh ?? false) switch
            {
                null => Problems.NotFound("The tutorial"),
                var opened when opened.Created => Results.Created($"/api/notebooks/{opened.Notebook.Id}", Answer(opened)),
                var opened => Results.Ok(Answer(opened)),
            });

        var instructor = app.MapGroup("/api/tutorials").RequireAuthorization(AccountsSetup.InstructorPolicy).WithTags("Tutorials");
        instructor.MapPost("", async (HttpContext http, TutorialStore store) =>
        {
            var (upload, problem) = await IpynbUpload.ReadAsync(http.Request, http.RequestAborted);
            if (upload is null)
                return problem!;
            var query = http.Request.Query;
            var (tutorial, error) = TutorialUpload.Build(upload, key => upload.Form?[key].FirstOrDefault() ?? query[key].FirstOrDefault());
            if (tutorial is null)
                return Problems.BadRequest(error!);
            if (TutorialCatalog.IsBuiltIn(tutorial.Slug))
                return Problems.Conflict($"'{tutorial.Slug}' is a built-in tutorial; give yours another title or slug.");
            return store.SaveUpload(tutorial, http.User.Id())
                ? Results.Created($"/api/tutorials/{tutorial.Slug}", tutorial)
                : Results.Ok(tutorial);
        });

        instructor.MapDelete("/{slug}", (string slug, TutorialStore store) =>
            TutorialCatalog.IsBuiltIn(slug) ? Problems.Conflict("Built-in tutorials ship with the appliance and cannot be deleted.")
            : store.DeleteUpload(slug) ? Results.NoContent() : Problems.NotFound("The tutorial"));

        app.MapTutorialPages();
        return app;
    }

    private static OpenAnswer Answer(TutorialCatalog.Opened opened) =>
        new(opened.Notebook.Id, opened.Notebook.ProjectId, opened.Notebook.Name, opened.Version, opened.Created);
}
