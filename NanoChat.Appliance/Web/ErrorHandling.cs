using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Data.Sqlite;

namespace NanoChat.Appliance.Web;

/// <summary>
/// Turns failures into RFC 7807 problem details without stack traces: malformed or oversize requests
/// become 400/413 naming what is wrong, a read-only or locked database becomes 503, anything else a
/// plain 500 (the details go to the log, not the client).
/// </summary>
public static class ErrorHandling
{
    public static IServiceCollection AddErrorHandling(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddExceptionHandler<ApplianceExceptionHandler>();
        return services;
    }

    public static WebApplication UseErrorHandling(this WebApplication app)
    {
        app.UseExceptionHandler();
        // Bodiless error statuses (from Kestrel, routing, auth) get a problem body with a sentence too.
        app.UseStatusCodePages(async context =>
        {
            var http = context.HttpContext;
            var status = http.Response.StatusCode;
            var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
            await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails = { Status = status, Title = ReasonFor(status), Detail = DetailFor(status) },
            });
        });
        return app;
    }

    private static string ReasonFor(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);

    private static string DetailFor(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => "Sign in first: send the session cookie or an 'Authorization: Bearer' token.",
        StatusCodes.Status404NotFound => "That was not found.",
        StatusCodes.Status405MethodNotAllowed => "That method is not allowed here.",
        StatusCodes.Status413PayloadTooLarge => "The request body is larger than this appliance accepts.",
        StatusCodes.Status415UnsupportedMediaType => "This route does not take a body of that Content-Type (JSON routes take application/json).",
        _ => ReasonFor(status),
    };
}

public sealed class ApplianceExceptionHandler(IProblemDetailsService problems, ILogger<ApplianceExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = Describe(exception);
        if (status >= 500)
            logger.LogError(exception, "Request {Method} {Path} failed", context.Request.Method, context.Request.Path);
        context.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
            Exception = exception,
        });
    }

    private static (int Status, string Title, string Detail) Describe(Exception exception) => exception switch
    {
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
            (413, "The request is too large.", "The request body is larger than this appliance accepts."),
        BadHttpRequestException bad when FindJsonError(bad) is { } json =>
            (400, "The request is not valid.", $"The JSON body could not be read: {json.Message}"),
        BadHttpRequestException bad =>
            (bad.StatusCode, "The request is not valid.", bad.Message),
        _ when FindFormError(exception) is { } form =>
            (400, "The request is not valid.", $"The form could not be read: {form.Message}"),
        SqliteException { SqliteErrorCode: 8 /* READONLY */ } =>
            (503, "Storage is read-only.", "The database file is read-only, so nothing was saved; ask the instructor to check the data folder."),
        SqliteException { SqliteErrorCode: 5 or 6 /* BUSY, LOCKED */ } =>
            (503, "Storage is busy.", "The database stayed locked too long, so nothing was saved; try again."),
        SqliteException { SqliteErrorCode: 13 /* FULL */ } =>
            (503, "Storage is full.", "The disk holding the database is full, so nothing was saved."),
        _ => (500, "Something went wrong.", "The appliance hit an unexpected error; it was logged."),
    };

    // ASP.NET's form reader throws InvalidDataException for a form it refuses (a NUL in a value, too
    // many fields, a value too long), directly or inside the antiforgery check that read it first.
    // That is the client's mistake, not ours; our own InvalidDataExceptions (backups) stay 500.
    private static InvalidDataException? FindFormError(Exception exception)
    {
        for (Exception? inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is InvalidDataException { Source: "Microsoft.AspNetCore.WebUtilities" or "Microsoft.AspNetCore.Http" } form)
                return form;
        }
        return null;
    }

    private static JsonException? FindJsonError(Exception exception)
    {
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is JsonException json)
                return json;
        }
        return null;
    }
}
