using NanoChat.Appliance.Accounts;
using NanoChat.Appliance.Web;

namespace NanoChat.Appliance.Admin;

/// <summary>
/// `/admin/users`: the class list with reset, disable and delete per row; "Create a class" from
/// pasted CSV or names, answered with the new passwords once and printable sign-in cards; the
/// self-registration switch. Same rules as the API (<see cref="AccountAdmin"/>).
/// </summary>
public static class UserPages
{
    public static RouteGroupBuilder MapUserPages(this RouteGroupBuilder pages)
    {
        pages.MapGet("/users", (HttpContext http, PageRenderer renderer, UserStore users, LocalTimes times, StudentAddress address) =>
            renderer.Page(http, "admin/users.html", "Accounts", new
            {
                Users = users.All().Select(user => Row(user, times)).ToList(),
                RegistrationOpen = users.RegistrationOpen,
                Address = StudentAddressEndpoints.Model(http, address),
            }));

        pages.MapPost("/users", async (HttpContext http, PageRenderer renderer, AccountAdmin admin, LocalTimes times, StudentAddress address) =>
        {
            var form = await http.Request.ReadFormAsync();
            var role = form["role"].ToString() is Roles.Instructor ? Roles.Instructor : Roles.Student;
            var outcome = await Task.Run(() => admin.CreateMany(ClassRoster.Parse(form["roster"]), role, SignIn.Current(http)!));
            if (outcome.Users is not { } created)
                return renderer.Fragment(http, "admin/_problems.html", new { Problems = outcome.Problems }, outcome.Conflict ? 409 : 400);
            return renderer.Fragment(http, "admin/_created.html", new
            {
                Created = created,
                Rows = created.Select(user => Row(new User(user.Id, user.Username, user.Role, "", false, DateTimeOffset.UtcNow), times)).ToList(),
                // The address students use (set on this page), else the one this browser used; warned when loopback.
                Address = address.For(http),
                AddressLoopback = StudentAddress.IsLoopback(address.For(http)),
            });
        });

        pages.MapPost("/users/{id:long}/password", (long id, HttpContext http, PageRenderer renderer, UserStore users, AccountAdmin admin, LocalTimes times) =>
        {
            if (users.FindById(id) is not { } user)
                return Problems.NotFound("The user");
            var password = admin.ResetPassword(user, SignIn.Current(http)!);
            return renderer.Fragment(http, "admin/_user_row.html", new { User = Row(users.FindById(id)!, times, password) });
        });

        // Two routes rather than a regex constraint: the slim builder leaves regex route constraints out.
        pages.MapPost("/users/{id:long}/disable", (long id, HttpContext http, PageRenderer renderer, UserStore users, AccountAdmin admin, LocalTimes times) =>
            SetDisabledAsync(id, true, http, renderer, users, admin, times));
        pages.MapPost("/users/{id:long}/enable", (long id, HttpContext http, PageRenderer renderer, UserStore users, AccountAdmin admin, LocalTimes times) =>
            SetDisabledAsync(id, false, http, renderer, users, admin, times));

        pages.MapDelete("/users/{id:long}", async (long id, HttpContext http, PageRenderer renderer, UserStore users, AccountAdmin admin, LocalTimes times) =>
        {
            if (users.FindById(id) is not { } user)
                return Results.Content("", "text/html");
            var problem = await admin.DeleteAsync(user, SignIn.Current(http)!);
            return problem is null
                ? Results.Content("", "text/html")
                : renderer.Fragment(http, "admin/_user_row.html", new { User = Row(user, times, problem: problem) });
        });

        pages.MapPost("/registration", async (HttpContext http, PageRenderer renderer, UserStore users, EventLog events) =>
        {
            var form = await http.Request.ReadFormAsync();
            users.RegistrationOpen = form["open"] == "true";
            events.InstructorAction(SignIn.Current(http)!.Username, null, users.RegistrationOpen ? "opened self-registration" : "closed self-registration");
            return renderer.Fragment(http, "admin/_registration.html", new { RegistrationOpen = users.RegistrationOpen });
        });
        return pages;
    }

    private static async Task<IResult> SetDisabledAsync(long id, bool disabled, HttpContext http, PageRenderer renderer, UserStore users, AccountAdmin admin, LocalTimes times)
    {
        if (users.FindById(id) is not { } user)
            return Problems.NotFound("The user");
        var problem = await admin.SetDisabledAsync(user, disabled, SignIn.Current(http)!);
        return renderer.Fragment(http, "admin/_user_row.html", new { User = Row(users.FindById(id)!, times, problem: problem) });
    }

    private static object Row(User user, LocalTimes times, string? newPassword = null, string? problem = null) => new
    {
        user.Id,
        user.Username,
        user.Role,
        user.Disabled,
        CreatedAt = times.Format(user.CreatedAt),
        NewPassword = newPassword,
        Problem = problem,
    };
}
