using Htmx;
using NanoChat.Appliance.Accounts;
using NanoChat.Appliance.Notebooks;
using NanoChat.Appliance.Projects;
using NanoChat.Appliance.Web;

namespace NanoChat.Appliance.Admin;

/// <summary>
/// `/admin/handouts`: pick a tutorial or one of your notebooks and give it to every student or to
/// the ones you tick (the picker's values are "tutorial:{slug}" or "notebook:{id}"); each hand-out's progress table (polled) and a read-only view of any student's copy
/// (`/admin/notebooks/{id}`), for helping without touching their work.
/// </summary>
public static class HandOutPages
{
    public static RouteGroupBuilder MapHandOutPages(this RouteGroupBuilder pages)
    {
        pages.MapGet("/handouts", (HttpContext http, PageRenderer renderer, ProjectStore projects, NotebookStore notebooks, UserStore users, HandOutProgress progress, ITutorialHandOuts tutorials, LocalTimes times) =>
        {
            var me = http.User.Id();
            var mine = projects.List(me).Select(project => new { project.Name, Notebooks = notebooks.List(me, project.Id) }).Where(group => group.Notebooks.Count > 0).ToList();
            var students = users.All().Where(user => user.Role == Roles.Student && !user.Disabled).Select(user => new { user.Id, user.Username }).ToList();
            var tutorialChoices = tutorials.Choices().Select(choice => new { choice.Slug, choice.Title }).ToList();
            return renderer.Page(http, "admin/handouts.html", "Hand-outs", new { Tutorials = tutorialChoices, Groups = mine, Students = students, HandOuts = ListRows(progress, times), Oob = false });
        });

        pages.MapPost("/handouts", async (HttpContext http, PageRenderer renderer, NotebookStore notebooks, UserStore users, HandOuts handOuts, ITutorialHandOuts tutorials, HandOutProgress progress, LocalTimes times) =>
        {
            var form = await http.Request.ReadFormAsync();
            var actor = SignIn.Current(http)!;
            if (ChosenSource(form["source"].ToString(), actor.Id, notebooks, tutorials) is not { } source)
                return renderer.Fragment(http, "admin/_problems.html", new { Problems = new[] { "Choose a tutorial or one of your notebooks to hand out." } }, 400);
            var (projectName, nameError) = DisplayNames.Check(string.IsNullOrWhiteSpace(form["projectName"]) ? source.Name : form["projectName"].ToString(), "project");
            if (projectName is null)
                return renderer.Fragment(http, "admin/_problems.html", new { Problems = new[] { nameError! } }, 400);
            List<long>? chosen = form["to"] == "chosen"
                ? form["userId"].Select(value => long.TryParse(value, out var id) ? id : -1).ToList()
                : null;
            if (chosen is { Count: 0 })
                return renderer.Fragment(http, "admin/_problems.html", new { Problems = new[] { "Tick at least one student, or hand out to every student." } }, 400);
            var (recipients, problem) = HandOutApi.Recipients(users, chosen, null);
            if (recipients is null)
                return renderer.Fragment(http, "admin/_problems.html", new { Problems = new[] { problem! } }, 400);
            var outcome = handOuts.Give(source, projectName, recipients, form["keepOutputs"] == "true", actor);
            return renderer.Fragment(http, "admin/_handout_result.html", new { Outcome = outcome, Copied = outcome.Copies.Count(copy => copy.Status == "copied"), HandOuts = ListRows(progress, times), Oob = true });
        });

        pages.MapGet("/handouts/{id:long}", (long id, HttpContext http, PageRenderer renderer, HandOutProgress progress, LocalTimes times) =>
        {
            if (progress.Find(id) is not { } handOut)
                return renderer.Page(http, "errors/not_found.html", "Not found", null, 404);
            var template = http.Request.IsHtmx() ? "admin/_progress.html" : "admin/handout.html";
            return renderer.Page(http, template, $"Hand-out: {handOut.NotebookName}", new { HandOut = handOut, Students = ProgressRows(progress.Students(id), times) });
        });

        pages.MapGet("/notebooks/{id:long}", (long id, HttpContext http, PageRenderer renderer, HandOuts handOuts, NotebookStore notebooks, UserStore users, MarkdownRendering markdown, LocalTimes times) =>
        {
            if (handOuts.OwnerOf(id) is not { } ownerId || notebooks.Find(ownerId, id) is not { } notebook)
                return renderer.Page(http, "errors/not_found.html", "Not found", null, 404);
            var cells = notebook.Cells.Select(cell => new
            {
                cell.Id,
                cell.Type,
                cell.Source,
                cell.ExecutionCount,
                Html = cell.Type == "markdown" ? new TrustedHtml(markdown.ToSafeHtml(cell.Source)) : null,
                Outputs = OutputText.Summaries(cell.Outputs),
            });
            return renderer.Page(http, "admin/notebook.html", notebook.Name, new
            {
                Notebook = notebook,
                Owner = users.FindById(ownerId)?.Username ?? "?",
                UpdatedAt = times.Format(notebook.UpdatedAt),
                Cells = cells,
            });
        });
        return pages;
    }

    /// <summary>The picker's value ("tutorial:{slug}" or "notebook:{id}", the latter only the instructor's own) as a source, or null.</summary>
    private static HandOuts.Source? ChosenSource(string value, long instructorId, NotebookStore notebooks, ITutorialHandOuts tutorials)
    {
        if (value.StartsWith("tutorial:", StringComparison.Ordinal))
            return tutorials.Find(value["tutorial:".Length..]);
        if (value.StartsWith("notebook:", StringComparison.Ordinal) && long.TryParse(value["notebook:".Length..], out var id))
            return notebooks.Find(instructorId, id) is { } notebook ? HandOuts.FromNotebook(notebook) : null;
        return null;
    }

    private static object ListRows(HandOutProgress progress, LocalTimes times) =>
        progress.List().Select(item => new { item.Id, item.NotebookName, item.ProjectName, item.Copies, CreatedAt = times.Format(item.CreatedAt) }).ToList();

    private static object ProgressRows(IReadOnlyList<HandOutProgress.StudentProgress> students, LocalTimes times) =>
        students.Select(student => new
        {
            student.UserId,
            student.Username,
            student.NotebookId,
            student.Deleted,
            CopiedAt = times.Format(student.CopiedAt),
            student.Saves,
            LastActivity = student.LastActivity is null ? "not yet" : times.Format(student.LastActivity),
            student.CellsRun,
            student.CodeCells,
            student.Errors,
        }).ToList();
}
