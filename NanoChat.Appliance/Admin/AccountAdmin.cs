using NanoChat.Appliance.Accounts;
using NanoChat.Appliance.Hosting;

namespace NanoChat.Appliance.Admin;

/// <summary>
/// What an instructor does to accounts, shared by the API and the pages so both follow the same
/// rules: bulk creation (all or nothing, generated passwords returned once and never stored in
/// clear), password reset, disable (new security stamp, so every session dies, and the worker is
/// stopped), role change, and delete with the user's notebooks and workspace. An instructor cannot
/// disable, demote or delete themselves (the box would lose its last way in). Every change is an event.
/// </summary>
public sealed class AccountAdmin(UserStore users, ApplianceOptions options, EventLog events, IEnumerable<IKernelControl> kernels,
    SessionTracker sessions, IEnumerable<ISignInListener> signInListeners, ILogger<AccountAdmin> logger)
{
    private IKernelControl? Kernels => kernels.LastOrDefault();

    public sealed record Created(long Id, string Username, string Role, string Password);

    public sealed record BulkOutcome(IReadOnlyList<Created>? Users, IReadOnlyList<string> Problems, bool Conflict = false);

    public BulkOutcome CreateMany(IReadOnlyList<ClassRoster.Entry> entries, string defaultRole, User actor)
    {
        var problems = ClassRoster.Check(entries, users);
        if (problems.Count > 0)
            return new BulkOutcome(null, problems);
        var created = new Created?[entries.Count];
        string? conflict = null;
        // Hashing dominates (PBKDF2, 210,000 rounds each): spread it over the cores; SQLite queues the inserts.
        Parallel.For(0, entries.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, index =>
        {
            var entry = entries[index];
            var password = entry.Password ?? UserCommand.GeneratePassword();
            var result = users.Create(entry.Username, password, entry.Role ?? defaultRole);
            if (result.User is { } user)
                created[index] = new Created(user.Id, user.Username, user.Role, password);
            else
                conflict = result.Conflict;
        });
        if (conflict is not null)
        {
            // Someone registered one of these names meanwhile: undo the batch, so a retry starts clean.
            foreach (var user in created.OfType<Created>())
                users.Delete(user.Id);
            return new BulkOutcome(null, [conflict], Conflict: true);
        }
        var done = created.Select(user => user!).ToList();
        events.InstructorAction(actor.Username, null, done.Count == 1 ? $"created {done[0].Role} {done[0].Username}" : $"created {done.Count} accounts");
        return new BulkOutcome(done, []);
    }

    /// <summary>Generates a new password; the stamp changes, so the user's sessions end.</summary>
    public string ResetPassword(User user, User actor)
    {
        var password = UserCommand.GeneratePassword();
        users.SetPassword(user.Id, password);
        SignedOutEverywhere(user, "password reset");
        events.InstructorAction(actor.Username, user.Username, "reset the password");
        return password;
    }

    public void SetPassword(User user, string password, User actor)
    {
        users.SetPassword(user.Id, password);
        SignedOutEverywhere(user, "password reset");
        events.InstructorAction(actor.Username, user.Username, "set a new password");
    }

    // The new stamp already refuses every token; end the session records too and let the kernel go.
    private void SignedOutEverywhere(User user, string reason)
    {
        sessions.EndAllOf(user.Id, reason);
        foreach (var listener in signInListeners)
            listener.SignedOutEverywhere(user.Id, user.Username);
    }

    public async Task<string?> SetDisabledAsync(User user, bool disabled, User actor)
    {
        if (user.Id == actor.Id && disabled)
            return "You cannot disable your own account.";
        users.SetDisabled(user.Id, disabled);
        if (disabled && Kernels is { } control)
            await control.StopAsync(user.Id, "the account was disabled by the instructor");
        events.InstructorAction(actor.Username, user.Username, disabled ? "disabled the account" : "enabled the account");
        return null;
    }

    public string? SetRole(User user, string role, User actor)
    {
        if (!Roles.IsValid(role))
            return $"The role '{role}' is unknown; use student or instructor.";
        if (user.Id == actor.Id && role != Roles.Instructor)
            return "You cannot take the instructor role from yourself.";
        if (user.Role == role)
            return null;
        users.SetRole(user.Id, role);
        events.InstructorAction(actor.Username, user.Username, $"made them {role}");
        return null;
    }

    /// <summary>Deletes the account, its projects and notebooks (foreign keys cascade) and its workspace folder.</summary>
    public async Task<string?> DeleteAsync(User user, User actor)
    {
        if (user.Id == actor.Id)
            return "You cannot delete your own account.";
        if (Kernels is { } control)
            await control.StopAsync(user.Id, "the account was deleted by the instructor");
        users.Delete(user.Id);
        DeleteWorkspace(user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        events.InstructorAction(actor.Username, user.Username, "deleted the account and its data");
        return null;
    }

    // Workspaces are named by user id (Kernels/KernelServices.cs), never by a typed name.
    private void DeleteWorkspace(string folderName)
    {
        var root = Path.GetFullPath(options.WorkspacesDirectory);
        var folder = Path.GetFullPath(Path.Combine(root, folderName));
        if (!folder.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !Directory.Exists(folder))
            return;
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("The workspace {Folder} of the deleted user could not be removed: {Message}", folder, error.Message);
        }
    }
}
