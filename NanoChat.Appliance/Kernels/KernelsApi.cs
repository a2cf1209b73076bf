using System.Globalization;
using System.Text.Json.Nodes;
using NanoChat.Appliance.Accounts;
using NanoChat.Appliance.Hosting;
using NanoChat.Appliance.Kernels.Network;
using NanoChat.Appliance.Notebooks;
using NanoChat.Appliance.Web;

namespace NanoChat.Appliance.Kernels;

/// <summary>
/// Running code over HTTP (architecture.md, "HTTP surface"): `POST /api/execute/stream` queues a cell
/// in the caller's kernel and streams its events; `/api/executions/{id}` (+ `/events`, replay and
/// follow with Last-Event-ID) and `/api/notebooks/{id}/executions` let a reloaded page re-attach;
/// `/api/kernel` (+ `/interrupt`, `/restart`, `/start`) is the caller's own worker. Everything is
/// checked against the owner: anything not yours is 404.
///
/// SSE events: `id: N` then `data: {"type": …}` where type is "execution" (first: executionId,
/// notebookId, cellId, queuePosition), "status" (state running|starting, message), "stdout"/"stderr"
/// (text), "display" (outputType, data, metadata), "update_display" (displayId, data, metadata), "clear_output" (wait), "input_request" (prompt, password when getpass() asks), "input_reply" (answered), "set_next_input" (text, replace: %load's text for the cell), "error" (ename, evalue, traceback), "done"
/// (status ok|error|interrupted|killed, executionCount, durationMs, reason). The stream ends after done.
/// </summary>
public static partial class KernelsApi
{
    public sealed record ExecuteRequest(long? NotebookId, string? CellId, string? Code);
    public sealed record InputAnswer(string? Value);
    /// <summary>A position in a cell, for completion and help: <c>cursor</c> counts UTF-16 units, as the browser's editor does.</summary>
    public sealed record CursorRequest(long? NotebookId, string? Code, int? Cursor);
    public sealed record WidgetChange(long? NotebookId, JsonObject? Values);

    /// <summary>Largest cell source accepted (characters).</summary>
    public const int MaxCodeChars = 1_000_000;
    private const int MaxWidgetValuesChars = 64 * 1024;

    [System.Text.RegularExpressions.GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial System.Text.RegularExpressions.Regex WidgetIdPattern();
    public const int MaxInputChars = 64 * 1024;

    public static IServiceCollection AddKernels(this IServiceCollection services, ApplianceOptions options)
    {
        services.AddSingleton(_ => SandboxStatus.Detect(options.Kernels));
        services.AddSingleton<PythonLocator>();
        services.AddSingleton<IKernelLauncher, LocalKernelLauncher>();
        services.AddSingleton<ExecutionStore>();
        services.AddSingleton<Network.KernelNetworkSettings>();
        services.AddSingleton<KernelServices>();
        services.AddSingleton<KernelManager>();
        services.AddHostedService(provider => provider.GetRequiredService<KernelManager>());
        services.AddSingleton<Admin.IKernelControl, KernelConsoleControl>();
        services.AddSingleton<Accounts.ISignInListener, KernelStopAfterSignOut>();
        services.AddSingleton<Accounts.IUserActivity, KernelActivity>();
        return services;
    }

    public static WebApplication MapKernels(this WebApplication app)
    {
        app.MapKernelNetwork();
        var api = app.MapGroup("/api").RequireAuthorization().WithTags("Kernels");

        api.MapPost("/execute/stream", async (ExecuteRequest request, HttpContext http, NotebookStore notebooks, KernelManager kernels) =>
        {
            if (request.NotebookId is not { } notebookId || request.Code is null)
                return Problems.BadRequest("An execution needs 'notebookId' and 'code'.");
            if (request.Code.Length > MaxCodeChars)
                return Problems.BadRequest($"A cell may hold at most {MaxCodeChars:N0} characters.");
            if (request.CellId is { Length: > 200 })
                return Problems.BadRequest("A cell id is at most 200 characters.");
            if (notebooks.Find(http.User.Id(), notebookId) is null)
                return Problems.NotFound("The notebook");
            var execution = kernels.Submit(http.User.Id(), http.User.Username(), notebookId, request.CellId, request.Code);
            await ServerSentEvents.StreamAsync(http, execution.Log.Path, execution.Log, 0);
            return Results.Empty;
        });

        // One of interact's controls moved (Worker/Python/kernel_widgets.py): its function runs again in
        // the notebook's namespace, queued with the cells, and the events (an update_display of the
        // widget's output, or an error) stream back as for a cell.
        api.MapPost("/widgets/{widgetId}", async (string widgetId, WidgetChange change, HttpContext http, NotebookStore notebooks, KernelManager kernels) =>
        {
            if (!WidgetIdPattern().IsMatch(widgetId))
                return Problems.BadRequest("A widget id is 32 hexadecimal digits.");
            if (change.NotebookId is not { } notebookId || change.Values is null)
                return Problems.BadRequest("A widget change needs 'notebookId' and 'values'.");
            if (change.Values.ToJsonString().Length > MaxWidgetValuesChars)
                return Problems.BadRequest($"A widget's values may take at most {MaxWidgetValuesChars:N0} characters.");
            if (notebooks.Find(http.User.Id(), notebookId) is null)
                return Problems.NotFound("The notebook");
            var execution = kernels.SubmitWidgetChange(http.User.Id(), http.User.Username(), notebookId, widgetId, change.Values);
            await ServerSentEvents.StreamAsync(http, execution.Log.Path, execution.Log, 0);
            return Results.Empty;
        });

        // Tab completion in a cell: names and attributes from the notebook's live globals (Python's
        // rlcompleter in the worker). Positions are UTF-16 offsets, as the browser's editor counts them.
        api.MapPost("/complete", async (CursorRequest request, HttpContext http, NotebookStore notebooks, KernelManager kernels) =>
        {
            if (CheckCursorRequest(request, "A completion", http, notebooks) is { } problem)
                return problem;
            var (code, cursor) = (request.Code!, request.Cursor!.Value);
            var reply = await kernels.CompleteAsync(http.User.Id(), request.NotebookId!.Value, code, CodePoints.Count(code, cursor));
            var start = reply.Answer is { } answer ? CodePoints.Utf16Offset(code, answer.CursorStart) : cursor;
            return Results.Ok(new { matches = reply.Answer?.Matches ?? [], kinds = reply.Answer?.Kinds ?? [], cursorStart = start, cursorEnd = cursor, kernel = reply.Kernel });
        });

        // Shift+Tab help in a cell: signature, type, value and docstring of the name at the cursor, or
        // of the function whose call the cursor is in, looked up in the notebook's live globals.
        api.MapPost("/inspect", async (CursorRequest request, HttpContext http, NotebookStore notebooks, KernelManager kernels) =>
        {
            if (CheckCursorRequest(request, "Help", http, notebooks) is { } problem)
                return problem;
            var (code, cursor) = (request.Code!, request.Cursor!.Value);
            var reply = await kernels.InspectAsync(http.User.Id(), request.NotebookId!.Value, code, CodePoints.Count(code, cursor));
            return Results.Ok(new { found = reply.Answer?.Found ?? false, text = reply.Answer?.Text ?? "", kernel = reply.Kernel });
        });

        api.MapGet("/executions/{id:long}", (long id, HttpContext http, ExecutionStore store, KernelServices services) =>
            store.Find(http.User.Id(), id) is { } record
                ? Results.Ok(ExecutionOutputs.Describe(record, services.Options))
                : Problems.NotFound("The execution"));

        api.MapGet("/executions/{id:long}/events", async (long id, HttpContext http, ExecutionStore store, KernelManager kernels) =>
        {
            if (store.Find(http.User.Id(), id) is not { } record)
                return Problems.NotFound("The execution");
            var after = long.TryParse(http.Request.Headers["Last-Event-ID"].FirstOrDefault() ?? http.Request.Query["lastEventId"].FirstOrDefault(),
                NumberStyles.None, CultureInfo.InvariantCulture, out var last) ? last : 0;
            await ServerSentEvents.StreamAsync(http, record.LogPath, kernels.LiveLog(id), after);
            return Results.Empty;
        });

        // The answer to input() in a running cell (the field the page shows under its output).
        api.MapPost("/executions/{id:long}/input", async (long id, InputAnswer answer, HttpContext http, ExecutionStore store, KernelManager kernels) =>
        {
            if (answer.Value is not { } value || value.Length > MaxInputChars || value.Contains('\n'))
                return Problems.BadRequest($"An answer needs 'value': one line of at most {MaxInputChars:N0} characters.");
            if (store.Find(http.User.Id(), id) is null)
                return Problems.NotFound("The execution");
            return await kernels.ReplyInputAsync(http.User.Id(), id, value)
                ? Results.NoContent()
                : Problems.Conflict("That cell is not waiting for input (it finished, was interrupted, or another tab answered).");
        });

        api.MapGet("/notebooks/{id:long}/executions", (long id, HttpContext http, NotebookStore notebooks, ExecutionStore store) =>
            notebooks.Find(http.User.Id(), id) is null
                ? Problems.NotFound("The notebook")
                : Results.Ok(store.LatestPerCell(http.User.Id(), id).Select(record => new
                {
                    id = record.Id,
                    record.CellId,
                    record.Status,
                    record.ExecutionCount,
                    record.CreatedAt,
                    record.FinishedAt,
                })));

        // With the running cell's notebook and index: the page says what a queued cell waits for.
        api.MapGet("/kernel", (HttpContext http, KernelManager kernels, NotebookStore notebooks) =>
        {
            var snapshot = kernels.Status(http.User.Id(), http.User.Username());
            return Results.Ok(snapshot with { Running = KernelRunningCell.Of(snapshot, http.User.Id(), notebooks) });
        });

        api.MapPost("/kernel/start", async (HttpContext http, KernelManager kernels) =>
        {
            await kernels.PrewarmAsync(http.User.Id(), http.User.Username());
            return Results.Ok(kernels.Status(http.User.Id(), http.User.Username()));
        });

        api.MapPost("/kernel/interrupt", async (HttpContext http, KernelManager kernels) =>
            Results.Ok(new { interrupted = await kernels.InterruptAsync(http.User.Id()) }));

        api.MapPost("/kernel/restart", async (HttpContext http, KernelManager kernels) =>
        {
            await kernels.RestartAsync(http.User.Id(), http.User.Username());
            return Results.Ok(kernels.Status(http.User.Id(), http.User.Username()));
        });
        return app;
    }

    private static IResult? CheckCursorRequest(CursorRequest request, string what, HttpContext http, NotebookStore notebooks)
    {
        if (request.NotebookId is not { } notebookId || request.Code is not { } code || request.Cursor is not { } cursor)
            return Problems.BadRequest($"{what} needs 'notebookId', 'code' and 'cursor'.");
        if (code.Length > MaxCodeChars)
            return Problems.BadRequest($"A cell may hold at most {MaxCodeChars:N0} characters.");
        if (cursor < 0 || cursor > code.Length)
            return Problems.BadRequest("'cursor' must lie within 'code'.");
        if (notebooks.Find(http.User.Id(), notebookId) is null)
            return Problems.NotFound("The notebook");
        return null;
    }
}
