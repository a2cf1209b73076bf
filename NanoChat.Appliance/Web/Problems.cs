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

    public static IResult TooManyRequests(TimeSpan retryAfter, string detail) =>
        Results.Problem(detail: detail, statusCode: StatusCodes.Status429TooManyRequests, title: "Too many attempts.",
            extensions: new Dictionary<string, object?> { ["retryAfterSeconds"] = (int)Math.Ceiling(retryAfter.TotalSeconds) });
}
