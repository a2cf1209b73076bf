using NanoChat.Appliance.Accounts;

namespace NanoChat.Appliance.Admin;

/// <summary>
/// The three things an instructor can do to a student's kernel, shared by the API and the console
/// page so both word the stop reason the same way (the student's cell shows it) and record the event.
/// </summary>
public static class KernelActions
{
    public const string StoppedByInstructor = "stopped by the instructor";

    /// <summary>Runs <paramref name="action"/> (interrupt, restart or stop); false when it is none of them.</summary>
    public static async Task<bool> RunAsync(IKernelControl control, string action, User student, User instructor, EventLog events, CancellationToken cancellationToken)
    {
        switch (action)
        {
            case "interrupt": await control.InterruptAsync(student.Id, cancellationToken); break;
            case "restart": await control.RestartAsync(student.Id, cancellationToken); break;
            case "stop": await control.StopAsync(student.Id, StoppedByInstructor, cancellationToken); break;
            default: return false;
        }
        events.InstructorAction(instructor.Username, student.Username, $"{action} of the kernel");
        return true;
    }
}
