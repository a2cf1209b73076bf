using NanoChat.Appliance.Accounts;
using NanoChat.Appliance.Web;

namespace NanoChat.Appliance.Admin;

/// <summary>
/// The console (`/admin`): box health and live kernels that poll themselves with htmx, the Backup
/// button and the latest events; `/admin/kernels` and `/admin/events` in full. Fragments are the
/// same templates the pages include (Hypermedia Systems), so a poll re-renders only its panel.
/// </summary>
public static class ConsolePages
{
    public static RouteGroupBuilder MapConsolePages(this RouteGroupBuilder pages)
    {
        pages.MapGet("", (HttpContext http, PageRenderer renderer, BoxHealth health, EventLog events, BackupService backups, IEnumerable<IKernelControl> kernels, UserStore users) =>
            renderer.Page(http, "admin/console.html", "Instructor console", new
            {
                Health = HealthModel(health.Read()),
                Kernels = KernelsModel(kernels.LastOrDefault()),
                Events = EventsModel(events.Recent(12)),
                Compact = true,
                Backups = BackupsModel(backups),
                Students = users.All().Count(user => user.Role == Roles.Student),
                RegistrationOpen = users.RegistrationOpen,
            }));

        pages.MapGet("/health", (HttpContext http, PageRenderer renderer, BoxHealth health) =>
            renderer.Page(http, "admin/_health.html", "Box health", new { Health = HealthModel(health.Read()) }));

        pages.MapGet("/kernels", (HttpContext http, PageRenderer renderer, IEnumerable<IKernelControl> kernels) =>
            renderer.Page(http, http.Request.Headers.ContainsKey("HX-Request") ? "admin/_kernels.html" : "admin/kernels.html", "Kernels",
                new { Kernels = KernelsModel(kernels.LastOrDefault()) }));

        pages.MapPost("/kernels/{userId:long}/{action}", async (long userId, string action, HttpContext http, PageRenderer renderer,
            IEnumerable<IKernelControl> kernels, UserStore users, EventLog events) =>
        {
            if (kernels.LastOrDefault() is not { } control || users.FindById(userId) is not { } user)
                return renderer.Fragment(http, "admin/_kernels.html", new { Kernels = KernelsModel(kernels.LastOrDefault()) }, 404);
            if (!await KernelActions.RunAsync(control, action, user, SignIn.Current(http)!, events, http.RequestAborted))
                return Problems.NotFound("That kernel action");
            return renderer.Fragment(http, "admin/_kernels.html", new { Kernels = KernelsModel(control) });
        });

        pages.MapPost("/backup", async (HttpContext http, PageRenderer renderer, BackupService backups) =>
        {
            try
            {
                var written = await backups.RunAsync(SignIn.Current(http)!.Username, http.RequestAborted);
                return renderer.Fragment(http, "admin/_backups.html", new
                {
                    Backups = BackupsModel(backups),
                    Done = $"Backed up to {written.Path} ({ConsoleFormatting.Bytes(written.Bytes)}, {written.WorkspaceFiles} workspace files; integrity check ok).",
                });
            }
            catch (Exception error) when (error is IOException or InvalidDataException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
            {
                return renderer.Fragment(http, "admin/_backups.html", new { Backups = BackupsModel(backups), Failed = $"The backup failed: {error.Message}" });
            }
        });

        pages.MapGet("/events", (HttpContext http, PageRenderer renderer, EventLog events, string? kind) =>
            renderer.Page(http, "admin/events.html", "Events", new { Events = EventsModel(events.Recent(500, string.IsNullOrEmpty(kind) ? null : kind)), Kind = kind, Compact = false }));
        return pages;
    }

    private static object HealthModel(HealthReading reading) => new
    {
        At = ConsoleFormatting.Time(reading.At),
        Cpu = ConsoleFormatting.Percent(reading.CpuPercent),
        reading.Cores,
        Load = reading.LoadAverage ?? "unknown",
        Memory = reading.Memory is { } memory
            ? $"{ConsoleFormatting.Bytes(memory.TotalBytes - memory.AvailableBytes)} of {ConsoleFormatting.Bytes(memory.TotalBytes)} ({ConsoleFormatting.Percent(memory.UsedPercent)})"
            : "unknown",
        MemoryHigh = reading.Memory?.UsedPercent > 90,
        Disk = reading.Disk is { } disk
            ? $"{ConsoleFormatting.Bytes(disk.AvailableBytes)} free of {ConsoleFormatting.Bytes(disk.TotalBytes)} ({ConsoleFormatting.Percent(disk.UsedPercent)} used)"
            : "unknown",
        DiskFolder = reading.Disk?.Folder,
        DiskLow = reading.Disk is { } low && (low.UsedPercent > 90 || low.AvailableBytes < 2L * 1024 * 1024 * 1024),
        GpuProblem = reading.Gpu.Problem,
        Gpus = reading.Gpu.Gpus.Select(gpu => new
        {
            gpu.Index,
            gpu.Name,
            Utilization = $"{gpu.UtilizationPercent} %",
            Memory = $"{ConsoleFormatting.MiB(gpu.MemoryUsedMiB)} of {ConsoleFormatting.MiB(gpu.MemoryTotalMiB)}",
            Processes = reading.Gpu.Processes.Where(process => process.GpuUuid == gpu.Uuid).Select(process => new
            {
                process.Pid,
                Who = process.Username ?? process.ProcessName,
                Memory = ConsoleFormatting.MiB(process.MemoryUsedMiB),
            }),
        }),
        Sandbox = reading.Sandbox,
        Warnings = reading.Sandbox.Warnings,
    };

    private static object KernelsModel(IKernelControl? control) => new
    {
        Available = control is not null,
        Unavailable = ConsoleApi.KernelsUnavailable,
        Rows = (control?.List() ?? []).Select(row => new
        {
            row.UserId,
            row.Username,
            row.State,
            Uptime = ConsoleFormatting.Duration(DateTimeOffset.UtcNow - row.StartedAt),
            Cell = row.CurrentCellRunning is { } running ? ConsoleFormatting.Duration(running) : "idle",
            row.QueueLength,
            Rss = row.RssBytes is { } rss ? ConsoleFormatting.Bytes(rss) : "—",
            Gpu = row.GpuBytes is { } gpu ? ConsoleFormatting.Bytes(gpu) : "—",
            row.Limits,
        }).ToList(),
    };

    private static object EventsModel(IReadOnlyList<ApplianceEvent> events) =>
        events.Select(item => new { item.Id, At = ConsoleFormatting.Time(item.At), item.Kind, item.Actor, item.Subject, item.Detail }).ToList();

    private static object BackupsModel(BackupService backups) => new
    {
        backups.Folder,
        Files = backups.List().Take(10).Select(file => new { file.Name, Size = ConsoleFormatting.Bytes(file.Length), At = ConsoleFormatting.Time(new DateTimeOffset(file.LastWriteTimeUtc)) }).ToList(),
    };
}
