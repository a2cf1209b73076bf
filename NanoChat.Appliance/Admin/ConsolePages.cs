using Htmx;
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
        pages.MapGet("", (HttpContext http, PageRenderer renderer, BoxHealth health, EventLog events, BackupService backups, IEnumerable<IKernelControl> kernels, UserStore users, LocalTimes times) =>
            renderer.Page(http, "admin/console.html", "Instructor console", new
            {
                Health = HealthModel(health.Read(), times),
                Kernels = KernelsModel(kernels.LastOrDefault()),
                Events = EventsModel(events.Recent(12), times),
                Compact = true,
                Backups = BackupsModel(backups, times),
                Students = users.All().Count(user => user.Role == Roles.Student),
                RegistrationOpen = users.RegistrationOpen,
            }));

        pages.MapGet("/health", (HttpContext http, PageRenderer renderer, BoxHealth health, LocalTimes times) =>
            renderer.Page(http, "admin/_health.html", "Box health", new { Health = HealthModel(health.Read(), times) }));

        pages.MapGet("/kernels", (HttpContext http, PageRenderer renderer, IEnumerable<IKernelControl> kernels) =>
            renderer.Page(http, http.Request.IsHtmx() ? "admin/_kernels.html" : "admin/kernels.html", "Kernels",
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

        pages.MapPost("/backup", async (HttpContext http, PageRenderer renderer, BackupService backups, LocalTimes times) =>
        {
            try
            {
                var written = await backups.RunAsync(SignIn.Current(http)!.Username, http.RequestAborted);
                return renderer.Fragment(http, "admin/_backups.html", new
                {
                    Backups = BackupsModel(backups, times),
                    Done = $"Backed up to {written.Path} ({ConsoleFormatting.Bytes(written.Bytes)}, {written.WorkspaceFiles} workspace files; integrity check ok).",
                });
            }
            catch (Exception error) when (error is IOException or InvalidDataException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
            {
                return renderer.Fragment(http, "admin/_backups.html", new { Backups = BackupsModel(backups, times), Failed = $"The backup failed: {error.Message}" });
            }
        });

        // Streamed from the file (a backup holds every workspace: gigabytes), with range support for resuming.
        pages.MapGet("/backups/{name}", (string name, BackupService backups) => Download(backups, name));

        pages.MapGet("/events", (HttpContext http, PageRenderer renderer, EventLog events, LocalTimes times, string? kind) =>
            renderer.Page(http, "admin/events.html", "Events", new { Events = EventsModel(events.Recent(500, string.IsNullOrEmpty(kind) ? null : kind), times), Kind = kind, Compact = false }));
        return pages;
    }

    /// <summary>A listed backup as a download named as on disk (nanochat-YYYYMMDD-HHMMSS.tar.gz); anything else 404.</summary>
    public static IResult Download(BackupService backups, string name) =>
        backups.Find(name) is { } file
            ? Results.File(file.FullName, "application/gzip", file.Name, new DateTimeOffset(file.LastWriteTimeUtc), enableRangeProcessing: true)
            : Problems.NotFound("That backup");

    private static object HealthModel(HealthReading reading, LocalTimes times) => new
    {
        At = times.Format(reading.At),
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

    private static object KernelsModel(IKernelControl? control) => KernelsModel(control, control?.List() ?? []);

    private static object KernelsModel(IKernelControl? control, IReadOnlyList<KernelRow> rows) => new
    {
        Available = control is not null,
        Unavailable = ConsoleApi.KernelsUnavailable,
        Rows = rows.Select(row => new
        {
            row.UserId,
            row.Username,
            row.State,
            Uptime = ConsoleFormatting.Duration(DateTimeOffset.UtcNow - row.StartedAt),
            Cell = row.CurrentCellRunning is { } running ? ConsoleFormatting.Duration(running) : null,
            Running = row.Running is { } cell ? new
            {
                cell.NotebookName,
                // The read-only view, scrolled to the cell; a chat reply has no notebook to show.
                Link = cell.NotebookId > 0 ? $"/admin/notebooks/{cell.NotebookId}{(cell.CellId is { } id ? $"#cell-{Uri.EscapeDataString(id)}" : "")}" : null,
                // A cell added since the last save has no number yet; a widget's change belongs to no cell.
                Where = cell.CellNumber is { } number ? $"cell {number}" : cell.NotebookId > 0 && cell.CellId is not null ? "a new cell" : null,
                cell.Progress,
            } : null,
            row.QueueLength,
            Memory = row.RssBytes is { } rss ? ConsoleFormatting.Bytes(rss) : "—",
            Gpu = row.GpuBytes is { } gpu ? ConsoleFormatting.Bytes(gpu) : null,
        }).ToList(),
        // The same for every kernel: said once under the table.
        Limits = rows.FirstOrDefault()?.Limits,
    };

    private static object EventsModel(IReadOnlyList<ApplianceEvent> events, LocalTimes times) =>
        events.Select(item => new { item.Id, At = times.Format(item.At), TimeOfDay = times.TimeOfDay(item.At), item.Kind, item.Actor, item.Subject, item.Detail }).ToList();

    private static object BackupsModel(BackupService backups, LocalTimes times) => new
    {
        backups.Folder,
        Files = backups.List().Take(10).Select(file => new { file.Name, Size = ConsoleFormatting.Bytes(file.Length), At = times.Format(new DateTimeOffset(file.LastWriteTimeUtc)) }).ToList(),
    };
}
