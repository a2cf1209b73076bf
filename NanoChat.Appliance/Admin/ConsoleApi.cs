using NanoChat.Appliance.Accounts;
using NanoChat.Appliance.Web;

namespace NanoChat.Appliance.Admin;

/// <summary>
/// The console's data for scripts: `GET /api/admin/health`, `GET /api/admin/events`,
/// `GET/POST /api/admin/backups` (+ `GET /api/admin/backups/{name}`, the file), and the live kernels (`GET /api/admin/kernels`,
/// `POST /api/admin/kernels/{userId}/interrupt|restart|stop`), which answer 503 until a kernel
/// manager implements <see cref="IKernelControl"/> — never made-up rows.
/// </summary>
public static class ConsoleApi
{
    public const string KernelsUnavailable = "Kernels: not available in this build.";

    public static RouteGroupBuilder MapConsoleApi(this RouteGroupBuilder api)
    {
        api.MapGet("/health", (BoxHealth health) => HealthView(health.Read()));

        api.MapGet("/events", (EventLog events, int? count, string? kind) => events.Recent(count ?? 200, kind));

        api.MapGet("/backups", (BackupService backups) => new
        {
            folder = backups.Folder,
            backups = backups.List().Select(file => new { name = file.Name, sizeBytes = file.Length, createdAt = new DateTimeOffset(file.LastWriteTimeUtc) }),
        });

        api.MapGet("/backups/{name}", (string name, BackupService backups) => ConsolePages.Download(backups, name));

        api.MapPost("/backups", async (HttpContext http, BackupService backups) =>
        {
            var written = await backups.RunAsync(SignIn.Current(http)!.Username, http.RequestAborted);
            return Results.Created("/api/admin/backups", new { path = written.Path, sizeBytes = written.Bytes, workspaceFiles = written.WorkspaceFiles });
        });

        api.MapGet("/kernels", (IEnumerable<IKernelControl> kernels) =>
            kernels.LastOrDefault() is { } control ? Results.Ok(control.List()) : Unavailable());

        api.MapPost("/kernels/{userId:long}/{action}", async (long userId, string action, HttpContext http, IEnumerable<IKernelControl> kernels, UserStore users, EventLog events) =>
        {
            if (kernels.LastOrDefault() is not { } control)
                return Unavailable();
            if (users.FindById(userId) is not { } user)
                return Problems.NotFound("The user");
            if (!await KernelActions.RunAsync(control, action, user, SignIn.Current(http)!, events, http.RequestAborted))
                return Problems.NotFound("That kernel action");
            return Results.NoContent();
        });
        return api;
    }

    private static IResult Unavailable() =>
        Results.Problem(detail: KernelsUnavailable, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not available.");

    /// <summary>The health reading as JSON (camelCase, bytes as numbers, warnings as sentences).</summary>
    public static object HealthView(HealthReading reading) => new
    {
        at = reading.At,
        cpu = new { percent = reading.CpuPercent, cores = reading.Cores, loadAverage = reading.LoadAverage },
        memory = reading.Memory,
        disk = reading.Disk,
        gpu = new { available = reading.Gpu.Problem is null, problem = reading.Gpu.Problem, gpus = reading.Gpu.Gpus, processes = reading.Gpu.Processes },
        sandbox = new
        {
            bubblewrap = reading.Sandbox.BubblewrapWorks,
            bubblewrapDetail = reading.Sandbox.Bubblewrap,
            cgroupDelegated = reading.Sandbox.CgroupWritable,
            cgroupDetail = reading.Sandbox.Cgroup,
            limitsOn = reading.Sandbox.LimitsOn,
            warnings = reading.Sandbox.Warnings,
        },
    };
}
