namespace NanoChat.Appliance.Accounts;

/// <summary>The two roles of the appliance (architecture.md): instructors run the box, students use it.</summary>
public static class Roles
{
    public const string Student = "student";
    public const string Instructor = "instructor";

    public static bool IsValid(string? role) => role is Student or Instructor;
}

/// <summary>A user row without its password hash (the hash never leaves <see cref="UserStore"/>).</summary>
public sealed record User(long Id, string Username, string Role, string SecurityStamp, bool Disabled, DateTimeOffset CreatedAt)
{
    public bool IsInstructor => Role == Roles.Instructor;
}

/// <summary>The public JSON shape of a user: <c>{id, username, role}</c>.</summary>
public sealed record UserView(long Id, string Username, string Role)
{
    public static UserView From(User user) => new(user.Id, user.Username, user.Role);
}
