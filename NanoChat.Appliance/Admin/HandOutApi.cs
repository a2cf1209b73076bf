using NanoChat.Appliance.Accounts;
using NanoChat.Appliance.Notebooks;
using NanoChat.Appliance.Projects;
using NanoChat.Appliance.Web;

namespace NanoChat.Appliance.Admin;

/// <summary>
/// `/api/admin/handouts`: hand out one of the instructor's own notebooks or a tutorial
/// (<c>{notebookId | tutorialSlug, projectName?, userIds?, usernames?, keepOutputs?}</c>; no recipients means every
/// enabled student), list hand-outs, per-student progress, and `GET /api/admin/notebooks/{id}` to
/// read any student's notebook (read-only: there is no admin route that writes one).
/// Tutorials come from <see cref="ITutorialHandOuts"/>, which the catalog registers.
/// </summary>
public static class HandOutApi
{
    public sealed record HandOutRequest(long? NotebookId = null, string? TutorialSlug = null, string? ProjectName = null, List<long>? UserIds = null, List<string>? Usernames = null, bool? KeepOutputs = null);

    public static RouteGroupBuilder MapHandOutApi(this RouteGroupBuilder api)
    {
        api.MapPost("/handouts", (HandOutRequest request, HttpContext http, NotebookStore notebooks, UserStore users, HandOuts handOuts, ITutorialHandOuts tutorials) =>
        {
            var actor = SignIn.Current(http)!;
            HandOuts.Source source;
            if (request.NotebookId is not null == request.TutorialSlug is not null)
                return Problems.BadRequest("Name either a 'notebookId' (one of your notebooks) or a 'tutorialSlug' to hand out.");
            if (request.TutorialSlug is { } slug)
            {
                if (tutorials.Find(slug) is not { } tutorial)
                    return Problems.NotFound($"The tutorial '{slug}'");
                source = tutorial;
            }
            else if (notebooks.Find(actor.Id, request.NotebookId!.Value) is { } notebook)
            {
                source = HandOuts.FromNotebook(notebook);
            }
            else
            {
                return Problems.NotFound("The notebook to hand out (one of your own)");
            }
            var (projectName, nameError) = DisplayNames.Check(request.ProjectName ?? source.Name, "project");
            if (projectName is null)
                return Problems.BadRequest(nameError!);
            var (recipients, problem) = Recipients(users, request.UserIds, request.Usernames);
            if (recipients is null)
                return Problems.BadRequest(problem!);
            var outcome = handOuts.Give(source, projectName, recipients, request.KeepOutputs ?? false, actor);
            return Results.Ok(outcome);
        });

        api.MapGet("/handouts", (HandOutProgress progress) => progress.List());

        api.MapGet("/handouts/{id:long}", (long id, HandOutProgress progress) =>
            progress.Find(id) is { } handOut ? Results.Ok(new { handOut, students = progress.Students(id) }) : Problems.NotFound("The hand-out"));

        api.MapGet("/notebooks/{id:long}", (long id, HandOuts handOuts, NotebookStore notebooks) =>
            handOuts.OwnerOf(id) is { } owner && notebooks.Find(owner, id) is { } notebook ? Results.Ok(notebook) : Problems.NotFound("The notebook"));
        return api;
    }

    /// <summary>
    /// The named users (ids and usernames may be mixed), or every enabled student when none is named.
    /// Unknown names are an error rather than silently skipped: a typo should not leave a student out.
    /// </summary>
    public static (IReadOnlyList<User>? Users, string? Problem) Recipients(UserStore users, IReadOnlyList<long>? ids, IReadOnlyList<string>? names)
    {
        var all = users.All();
        if ((ids is null || ids.Count == 0) && (names is null || names.Count == 0))
        {
            var students = all.Where(user => user.Role == Roles.Student && !user.Disabled).ToList();
            return students.Count == 0 ? (null, "There are no students to hand out to yet; create the class first.") : (students, null);
        }
        var chosen = new Dictionary<long, User>();
        var unknown = new List<string>();
        foreach (var id in ids ?? [])
        {
            if (all.FirstOrDefault(user => user.Id == id) is { } user)
                chosen[user.Id] = user;
            else
                unknown.Add($"#{id}");
        }
        foreach (var name in names ?? [])
        {
            if (all.FirstOrDefault(user => string.Equals(user.Username, name?.Trim(), StringComparison.OrdinalIgnoreCase)) is { } user)
                chosen[user.Id] = user;
            else
                unknown.Add($"'{name}'");
        }
        return unknown.Count > 0
            ? (null, $"No such user: {string.Join(", ", unknown.Take(20))}.")
            : (chosen.Values.OrderBy(user => user.Username, StringComparer.OrdinalIgnoreCase).ToList(), null);
    }
}
