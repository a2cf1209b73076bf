using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using NanoChat.Appliance.Admin;
using NanoChat.Appliance.Accounts;
using NanoChat.Appliance.Web;

namespace NanoChat.Appliance.CourseData;

/// <summary>
/// The course data store over HTTP, instructors only: `GET /api/admin/course-data` (the items),
/// `POST` with {source, kind, name?, sha256?} (a URL or a path on the box; 202 and a job),
/// `POST …/upload?kind=&amp;name=` (a multipart upload of an archive or file, streamed to disk; 202
/// and a job), `GET …/jobs/{id}` (its progress) and `DELETE …/{name}`.
/// </summary>
public static class CourseDataApi
{
    public sealed record ItemView(string Name, string Kind, long SizeBytes, DateTimeOffset AddedAt, string Source, int Files);

    public sealed record AddRequest(string? Source, string? Kind, string? Name, string? Sha256);

    public sealed record JobView(string Id, string State, string Source, string Kind, string Name, long Bytes, long? TotalBytes, int? Percent, string? Error, ItemView? Item);

    private const int MaxFieldChars = 1000;

    public static ItemView View(CourseItem item) => new(item.Name, item.Kind, item.SizeBytes, item.AddedAt, item.Source, item.Files);

    public static JobView View(CourseDataJobs.Job job) =>
        new(job.Id, job.State, job.Source, job.Kind, job.Name, job.Bytes, job.TotalBytes, job.Percent, job.Error, job.Item is { } item ? View(item) : null);

    /// <summary>Checks a request to add an item: the kind, the name; null and the sentence why not.</summary>
    public static (CourseItemKind? Kind, string? Problem) Check(string? kindName, string? name)
    {
        if (CourseItemKind.Find(kindName) is not { } kind)
            return (null, $"The kind must be one of {CourseItemKind.Names}, not '{kindName}'.");
        if (name is not null && CourseStore.CheckName(name) is { } problem)
            return (null, problem);
        return (kind, null);
    }

    public static RouteGroupBuilder MapCourseDataApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/course-data").WithTags("Course data");
        group.MapGet("", (CourseStore store) => store.List().Select(View).ToList());

        group.MapPost("", (AddRequest request, CourseDataJobs jobs, EventLog events, HttpContext http) =>
        {
            if (string.IsNullOrWhiteSpace(request.Source))
                return Problems.BadRequest("Give 'source': an http(s) address or a file or folder on this box.");
            var (kind, problem) = Check(request.Kind, Blank(request.Name));
            if (kind is null)
                return Problems.BadRequest(problem!);
            var job = jobs.Start(request.Source.Trim(), kind, Blank(request.Name), Blank(request.Sha256));
            events.InstructorAction(http.User.Username(), null, $"started staging {job.Source} as course data ({kind.Name})");
            return Results.Accepted($"/api/admin/course-data/jobs/{job.Id}", View(job));
        });

        group.MapPost("/upload", async (HttpContext http, CourseStore store, CourseDataJobs jobs, EventLog events, Hosting.ApplianceOptions options) =>
        {
            var (job, problem) = await UploadAsync(http, store, jobs, events, options);
            return job is null ? Problems.BadRequest(problem!) : Results.Accepted($"/api/admin/course-data/jobs/{job.Id}", View(job));
        });

        group.MapGet("/jobs/{id}", (string id, CourseDataJobs jobs) =>
            jobs.Find(id) is { } job ? Results.Ok(View(job)) : Problems.NotFound("The job"));

        group.MapDelete("/{name}", (string name, CourseStore store, EventLog events, HttpContext http) =>
        {
            if (!store.Remove(name))
                return Problems.NotFound("The course item");
            events.InstructorAction(http.User.Username(), null, $"removed the course item {name}");
            return Results.NoContent();
        });
        return group;
    }

    /// <summary>
    /// Receives an upload (kind and name from the query or from form fields before the file) and
    /// starts staging it; the job, or the sentence why not.
    /// </summary>
    public static async Task<(CourseDataJobs.Job? Job, string? Problem)> UploadAsync(HttpContext http, CourseStore store, CourseDataJobs jobs, EventLog events, Hosting.ApplianceOptions options)
    {
        var fields = new Dictionary<string, string>();
        var (file, fileName, error) = await ReceiveAsync(http, store, options.CourseLimits.MaxArchiveBytes, fields);
        if (file is null)
            return (null, error);
        var name = Blank(http.Request.Query["name"]) ?? Blank(fields.GetValueOrDefault("name"));
        var (kind, problem) = Check(Blank(http.Request.Query["kind"]) ?? fields.GetValueOrDefault("kind"), name);
        if (kind is null)
        {
            Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
            return (null, problem);
        }
        // The uploaded file keeps its (cleaned) name in a folder of its own, so archive detection can use it.
        var job = jobs.Start(file, kind, name ?? CourseStore.NameFrom(fileName!), null, fileName,
            cleanup: () => Directory.Delete(Path.GetDirectoryName(file)!, recursive: true));
        events.InstructorAction(http.User.Username(), null, $"uploaded {fileName} as course data ({kind.Name})");
        return (job, null);
    }

    /// <summary>
    /// Streams the first file of a multipart body to <c>DATA/course/uploads/&lt;id&gt;/&lt;name&gt;</c>
    /// (never into memory), up to <paramref name="limit"/> bytes; the uploaded name is reduced to a
    /// safe file name and used only to tell what kind of file it is.
    /// </summary>
    public static async Task<(string? File, string? FileName, string? Error)> ReceiveAsync(HttpContext http, CourseStore store, long limit) =>
        await ReceiveAsync(http, store, limit, new Dictionary<string, string>());

    /// <summary>As above; the form fields before the file (kind, name) are collected into <paramref name="fields"/>.</summary>
    public static async Task<(string? File, string? FileName, string? Error)> ReceiveAsync(HttpContext http, CourseStore store, long limit, Dictionary<string, string> fields)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = limit + 1024 * 1024;
        if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var type) || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 } boundary)
            return (null, null, "Send the file as multipart/form-data.");
        var reader = new MultipartReader(boundary, http.Request.Body);
        try
        {
            while (await reader.ReadNextSectionAsync(http.RequestAborted) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
                    continue;
                if (disposition.IsFormDisposition())
                {
                    using var text = new StreamReader(section.Body);
                    var value = new char[MaxFieldChars];
                    var length = await text.ReadBlockAsync(value, http.RequestAborted);
                    fields[HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? ""] = new string(value, 0, length);
                    continue;
                }
                if (!disposition.IsFileDisposition())
                    continue;
                var fileName = SafeFileName(HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value);
                var folder = Path.Combine(store.Root, "uploads", Guid.NewGuid().ToString("N"));
                Directory.CreateDirectory(folder);
                var target = Path.Combine(folder, fileName);
                try
                {
                    await using var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write);
                    var buffer = new byte[1 << 16];
                    var total = 0L;
                    int read;
                    while ((read = await section.Body.ReadAsync(buffer, http.RequestAborted)) > 0)
                    {
                        total += read;
                        if (total > limit)
                            throw new CourseImportException($"The upload is larger than the {ConsoleFormatting.Bytes(limit)} an item may be.");
                        await output.WriteAsync(buffer.AsMemory(0, read), http.RequestAborted);
                    }
                }
                catch (Exception error) when (error is CourseImportException or IOException or OperationCanceledException or BadHttpRequestException)
                {
                    Directory.Delete(folder, recursive: true);
                    return (null, null, error is CourseImportException ? error.Message : "The upload did not arrive whole.");
                }
                return (target, fileName, null);
            }
        }
        catch (Exception error) when (error is IOException or InvalidDataException or BadHttpRequestException)
        {
            return (null, null, "The upload could not be read as multipart/form-data.");
        }
        return (null, null, "The upload holds no file.");
    }

    private static string SafeFileName(string? name)
    {
        var plain = Path.GetFileName((name ?? "").Replace('\\', '/'));
        var clean = new string([.. plain.Where(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_')]).TrimStart('.');
        return clean.Length == 0 ? "upload" : clean[..Math.Min(clean.Length, 100)];
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
