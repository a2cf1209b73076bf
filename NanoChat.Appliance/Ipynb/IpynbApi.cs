using System.Text;
using NanoChat.Appliance.Accounts;
using NanoChat.Appliance.Notebooks;
using NanoChat.Appliance.Projects;
using NanoChat.Appliance.Web;

namespace NanoChat.Appliance.Ipynb;

/// <summary>
/// `.ipynb` in and out: `POST /api/projects/{id}/ipynb` imports a Jupyter notebook (raw body or
/// multipart field `file`, optional `?name=`) into the caller's project; `GET /api/notebooks/{id}/ipynb`
/// downloads one as nbformat 4.5. Refusals are 400/413 naming what is wrong, with nothing created.
/// </summary>
public static class IpynbApi
{
    public const string MediaType = "application/x-ipynb+json";

    public static IServiceCollection AddIpynb(this IServiceCollection services) => services;

    public static WebApplication MapIpynb(this WebApplication app)
    {
        app.MapPost("/api/projects/{projectId:long}/ipynb", Import)
            .RequireAuthorization().WithTags("Notebooks")
            // An .ipynb is JSON: `curl -H 'Content-Type: application/json' --data-binary @x.ipynb` is natural.
            .Accepts<byte[]>(MediaType, "application/json", "multipart/form-data");

        app.MapGet("/api/notebooks/{id:long}/ipynb", (long id, HttpContext http, NotebookStore notebooks) =>
            notebooks.Find(http.User.Id(), id) is { } notebook
                ? Results.File(Encoding.UTF8.GetBytes(IpynbWriter.Write(notebook)), MediaType, DownloadName(notebook.Name))
                : Problems.NotFound("The notebook"))
            .RequireAuthorization().WithTags("Notebooks");
        return app;
    }

    private static async Task<IResult> Import(long projectId, string? name, HttpContext http, ProjectStore projects, NotebookStore notebooks)
    {
        var owner = http.User.Id();
        if (projects.Find(owner, projectId) is null)
            return Problems.NotFound("The project");
        var (upload, problem) = await IpynbUpload.ReadAsync(http.Request, http.RequestAborted);
        if (upload is null)
            return problem!;
        var (imported, error) = IpynbReader.Read(upload.Bytes);
        if (imported is null)
            return Problems.BadRequest(error!);
        var requested = name ?? upload.Form?["name"].FirstOrDefault();
        var (displayName, nameError) = DisplayNames.Check(requested ?? upload.FileName ?? imported.Title ?? "Imported notebook", "notebook");
        if (displayName is null)
            return Problems.BadRequest(nameError!);
        return notebooks.Create(owner, projectId, displayName, imported.Cells, imported.Metadata) is { } notebook
            ? Results.Created($"/api/notebooks/{notebook.Id}", notebook)
            : Problems.NotFound("The project");
    }

    /// <summary>A safe download name: the display name with characters file systems dislike replaced.</summary>
    public static string DownloadName(string displayName)
    {
        var invalid = new HashSet<char>(Path.GetInvalidFileNameChars()) { '\\', '/', ':', '*', '?', '"', '<', '>', '|' };
        var cleaned = new string(displayName.Select(ch => invalid.Contains(ch) || char.IsControl(ch) ? '_' : ch).ToArray()).Trim().Trim('.');
        return (cleaned.Length == 0 ? "notebook" : cleaned) + ".ipynb";
    }
}
