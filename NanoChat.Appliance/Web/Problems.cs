namespace NanoChat.Appliance.Web;

/// <summary>
/// RFC 7807 answers for expected outcomes, in one place so every feature words them the same way.
/// Anything not the caller's is 404 with no hint that it exists (security.md).
/// </summary>
public static class Problems
{
    public static IResult BadRequest(string detail) =>
        Results.Problem(detail: detail, statusCode: StatusCodes.Status400BadRequest, title: "The request is not valid.");

    public static IResult NotFound(string what = "That") =>
        Results.Problem(detail: $"{what} was not found.", statusCode: StatusCodes.Status404NotFound, title: "Not found.");

    public static IResult Conflict(string detail, IDictionary<string, object?>? extensions = null) =>
        Results.Problem(detail: detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict.", extensions: extensions);

    public static IResult Forbidden(string detail) =>
        Results.Problem(detail: detail, statusCode: StatusCodes.Status403Forbidden, title: "Not allowed.");

    public static IResult Unauthorized(string detail) =>
        Results.Problem(detail: detail, statusCode: StatusCodes.Status401Unauthorized, title: "Not signed in.");

    public static IResult UnsupportedMediaType(string detail) =>
        Results.Problem(detail: detail, statusCode: StatusCodes.Status415UnsupportedMediaType, title: "The request is not valid.");

    /// <summary>429 with the wait in the Retry-After header (what clients and proxies read) and in the body.</summary>
    public static IResult TooManyRequests(TimeSpan retryAfter, string detail, string title = "Too many attempts.") =>
        new WithRetryAfter(retryAfter, Results.Problem(detail: detail, statusCode: StatusCodes.Status429TooManyRequests, title: title,
            extensions: new Dictionary<string, object?> { ["retryAfterSeconds"] = RetryAfterSeconds(retryAfter) }));

    /// <summary>Whole seconds, rounded up and at least one, as Retry-After wants them.</summary>
    public static int RetryAfterSeconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));

    public static void SetRetryAfter(HttpResponse response, TimeSpan wait) =>
        response.Headers.RetryAfter = RetryAfterSeconds(wait).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private sealed class WithRetryAfter(TimeSpan wait, IResult problem) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            SetRetryAfter(httpContext.Response, wait);
            return problem.ExecuteAsync(httpContext);
        }
    }
}
