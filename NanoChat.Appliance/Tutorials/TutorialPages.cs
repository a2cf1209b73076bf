using NanoChat.Appliance.Accounts;
using NanoChat.Appliance.Admin;
using NanoChat.Appliance.Ipynb;
using NanoChat.Appliance.Web;

namespace NanoChat.Appliance.Tutorials;

/// <summary>
/// The Tutorials page (`/tutorials`): the catalog with each user's copy and a "newer version"
/// notice, plain form posts to open or refresh a copy, and for instructors an upload form.
/// </summary>
public static class TutorialPages
{
    public static WebApplication MapTutorialPages(this WebApplication app)
    {
        var pages = app.MapGroup("").RequireAuthorization().ExcludeFromDescription();

        pages.MapGet("/tutorials", (HttpContext http, PageRenderer renderer, TutorialCatalog catalog, GpuPresence gpu) => List(http, renderer, catalog, gpu, null, 200));

        pages.MapPost("/tutorials/{slug}/open", async (string slug, HttpContext http, PageRenderer renderer, TutorialCatalog catalog) =>
        {
            var form = await http.Request.ReadFormAsync();
            var opened = catalog.Open(http.User.Id(), slug, form["fresh"] == "true");
            return opened is null
                ? renderer.Page(http, "errors/not_found.html", "Not found", null, 404)
                : Results.Redirect($"/notebooks/{opened.Notebook.Id}", permanent: false, preserveMethod: false);
        });

        pages.MapPost("/tutorials/upload", async (HttpContext http, PageRenderer renderer, TutorialCatalog catalog, TutorialStore store, GpuPresence gpu) =>
        {
            var (upload, _) = await IpynbUpload.ReadAsync(http.Request, http.RequestAborted);
            if (upload is null)
                return List(http, renderer, catalog, gpu, "The upload was refused: choose an .ipynb file of at most 16 MiB.", 400);
            var (tutorial, error) = TutorialUpload.Build(upload, key => upload.Form?[key].FirstOrDefault());
            if (tutorial is null)
                return List(http, renderer, catalog, gpu, error, 400);
            if (TutorialCatalog.IsBuiltIn(tutorial.Slug))
                return List(http, renderer, catalog, gpu, $"'{tutorial.Title}' has the same slug as a built-in tutorial; choose another title.", 409);
            store.SaveUpload(tutorial, http.User.Id());
            return Results.Redirect("/tutorials", permanent: false, preserveMethod: false);
        }).RequireAuthorization(AccountsSetup.InstructorPolicy);
        return app;
    }

    // A GPU tutorial on a box without a GPU stays open to read, and says so beside its title.
    private static IResult List(HttpContext http, PageRenderer renderer, TutorialCatalog catalog, GpuPresence gpu, string? error, int status) =>
        renderer.Page(http, "tutorials/list.html", "Tutorials", new
        {
            Tutorials = catalog.Entries(http.User.Id()),
            Error = error,
            Levels = Tutorial.Levels,
            BoxHasGpu = gpu.HasGpu,
        }, status);
}
