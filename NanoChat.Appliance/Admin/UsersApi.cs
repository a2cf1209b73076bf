using NanoChat.Appliance.Accounts;
using NanoChat.Appliance.Web;

namespace NanoChat.Appliance.Admin;

/// <summary>
/// `/api/admin/users`: list, create in bulk (<c>{"users":[{username, password?, role?}]}</c> answered
/// as <c>[{id, username, role, password}]</c>), and per user `PATCH` (reset or set the password,
/// disable, role) and `DELETE ?confirm=USERNAME` (the confirmation is the name, so a script cannot
/// delete a class by looping over ids by mistake). Instructors only; the rules live in <see cref="AccountAdmin"/>.
/// </summary>
public static class UsersApi
{
    public sealed record NewUser(string? Username, string? Password = null, string? Role = null);
    public sealed record CreateUsersRequest(List<NewUser?>? Users);
    public sealed record UpdateUserRequest(string? Password = null, bool? ResetPassword = null, bool? Disabled = null, string? Role = null);
    /// <summary>A user for the instructor; <c>password</c> appears only in the answer that generated it.</summary>
    public sealed record AdminUserView(long Id, string Username, string Role, bool Disabled, DateTimeOffset CreatedAt,
        [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Password = null)
    {
        public static AdminUserView From(User user, string? password = null) => new(user.Id, user.Username, user.Role, user.Disabled, user.CreatedAt, password);
    }

    public static RouteGroupBuilder MapUsersApi(this RouteGroupBuilder api)
    {
        api.MapGet("/users", (UserStore users) => users.All().Select(user => AdminUserView.From(user)));

        api.MapPost("/users", (CreateUsersRequest request, HttpContext http, AccountAdmin admin) =>
        {
            if (request.Users is not { } list || list.Any(user => user is null))
                return Problems.BadRequest("Send {\"users\":[{\"username\":…, \"password\"?:…, \"role\"?:…}]}.");
            var entries = list.Select(user => new ClassRoster.Entry(user!.Username ?? "", user.Password, user.Role)).ToList();
            var outcome = admin.CreateMany(entries, Roles.Student, SignIn.Current(http)!);
            if (outcome.Users is { } created)
                return Results.Created("/api/admin/users", created);
            var detail = string.Join(" ", outcome.Problems);
            return outcome.Conflict || outcome.Problems.All(problem => problem.EndsWith("already has an account.", StringComparison.Ordinal))
                ? Problems.Conflict(detail, new Dictionary<string, object?> { ["problems"] = outcome.Problems })
                : Results.Problem(detail: detail, statusCode: 400, title: "The request is not valid.", extensions: new Dictionary<string, object?> { ["problems"] = outcome.Problems });
        });

        api.MapPatch("/users/{id:long}", async (long id, UpdateUserRequest request, HttpContext http, UserStore users, AccountAdmin admin) =>
        {
            var actor = SignIn.Current(http)!;
            if (users.FindById(id) is not { } user)
                return Problems.NotFound("The user");
            if (request.Password is not null && request.ResetPassword == true)
                return Problems.BadRequest("Either set a 'password' or ask for 'resetPassword', not both.");
            if (request.Password is not null && CredentialRules.CheckPassword(request.Password) is { } passwordProblem)
                return Problems.BadRequest(passwordProblem);
            if (request.Role is not null && admin.SetRole(user, request.Role, actor) is { } roleProblem)
                return Problems.BadRequest(roleProblem);
            if (request.Disabled is { } disabled && await admin.SetDisabledAsync(user, disabled, actor) is { } disableProblem)
                return Problems.BadRequest(disableProblem);
            string? generated = null;
            if (request.ResetPassword == true)
                generated = admin.ResetPassword(user, actor);
            else if (request.Password is not null)
                admin.SetPassword(user, request.Password, actor);
            return Results.Ok(AdminUserView.From(users.FindById(id)!, generated));
        });

        api.MapDelete("/users/{id:long}", async (long id, string? confirm, HttpContext http, UserStore users, AccountAdmin admin) =>
        {
            if (users.FindById(id) is not { } user)
                return Problems.NotFound("The user");
            if (!string.Equals(confirm, user.Username, StringComparison.OrdinalIgnoreCase))
                return Problems.BadRequest($"Deleting '{user.Username}' removes their notebooks and workspace for good; confirm with ?confirm={user.Username}.");
            return await admin.DeleteAsync(user, SignIn.Current(http)!) is { } problem ? Problems.BadRequest(problem) : Results.NoContent();
        });
        return api;
    }
}
