using Microsoft.AspNetCore.Http.Features;

namespace NanoChat.Appliance.Ipynb;

/// <summary>
/// Reads an uploaded .ipynb from a request: the raw body (<c>application/x-ipynb+json</c>) or the
/// <c>file</c> field of a multipart form. Bounded by <see cref="IpynbReader.MaxBytes"/>: a larger
/// upload is refused with 413 before it is held in memory. The client's file name is returned as a
/// display name only (folders and the extension stripped); it never becomes a path.
/// </summary>
public static class IpynbUpload
{
    public sealed record Upload(byte[] Bytes, string? FileName, IFormCollection? Form);

    public static async Task<(Upload? Upload, IResult? Problem)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > IpynbReader.MaxBytes)
            return (null, TooLarge());
        if (request.HasFormContentType)
        {
            IFormCollection form;
            try
            {
                // Bound the form before it is read, unless antiforgery already read it (then the file size check below applies).
                var features = request.HttpContext.Features;
                if (features.Get<IFormFeature>()?.Form is null)
                    features.Set<IFormFeature>(new FormFeature(request, new FormOptions { MultipartBodyLengthLimit = IpynbReader.MaxBytes + (64 * 1024) }));
                form = await request.ReadFormAsync(cancellationToken);
            }
            catch (InvalidDataException)
            {
                return (null, TooLarge());
            }
            var file = form.Files.GetFile("file");
            if (file is null)
                return (null, Web.Problems.BadRequest("The form has no field 'file' with the .ipynb in it."));
            if (file.Length > IpynbReader.MaxBytes)
                return (null, TooLarge());
            using var buffer = new MemoryStream();
            await file.CopyToAsync(buffer, cancellationToken);
            return (new Upload(buffer.ToArray(), DisplayNameOf(file.FileName), form), null);
        }
        var body = await ReadBoundedAsync(request.Body, cancellationToken);
        return body is null ? (null, TooLarge()) : (new Upload(body, null, null), null);
    }

    /// <summary>"C:\\work\\../Lecture 1.ipynb" → "Lecture 1": the last segment, without the extension.</summary>
    public static string? DisplayNameOf(string? fileName)
    {
        if (string.IsNullOrWhiteSpace(fileName))
            return null;
        var last = fileName.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "";
        if (last.EndsWith(".ipynb", StringComparison.OrdinalIgnoreCase))
            last = last[..^".ipynb".Length];
        last = last.Trim().Trim('.').Trim();
        return last.Length == 0 ? null : last;
    }

    private static async Task<byte[]?> ReadBoundedAsync(Stream body, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81_920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > IpynbReader.MaxBytes)
                return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static IResult TooLarge() => Results.Problem(
        detail: $"The notebook is larger than {IpynbReader.MaxBytes / (1024 * 1024)} MiB; clear large outputs in Jupyter (Edit → Clear all outputs) and upload it again.",
        statusCode: StatusCodes.Status413PayloadTooLarge, title: "The notebook is too large.");
}
