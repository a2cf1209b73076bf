using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace NanoChat.Appliance.CourseData;

/// <summary>
/// Downloads one URL into the store's downloads folder, for a box that is online while the
/// instructor stages: resumes with a Range request after a cut connection (and, since the partial
/// file is kept under a name made from the URL, after an interrupted run too), reports progress,
/// and checks a SHA-256 when one is given or when the server publishes one (Hugging Face's
/// <c>X-Linked-ETag</c> of an LFS file is its SHA-256). A wrong checksum deletes the file.
/// </summary>
public sealed class CourseDownload(HttpClient http, CourseStore store)
{
    private const int Attempts = 5;
    private static readonly TimeSpan RetryPause = TimeSpan.FromSeconds(1);

    public sealed record Progress(long Bytes, long? TotalBytes);

    /// <summary>The downloaded file (complete and checked), and its name from the URL.</summary>
    public async Task<(string Path, string FileName)> FetchAsync(Uri url, string? expectedSha256, IProgress<Progress>? progress, CancellationToken cancel)
    {
        if (url.Scheme is not ("http" or "https"))
            throw new CourseImportException($"'{url}' is not an http(s) address.");
        Directory.CreateDirectory(store.DownloadsFolder);
        var partial = Path.Combine(store.DownloadsFolder, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(url.AbsoluteUri)))[..32] + ".part");
        string? published = null;
        long? total = null;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                (published, total) = await ResumeAsync(url, partial, progress, cancel);
                break;
            }
            catch (Exception error) when (error is HttpRequestException or IOException && attempt < Attempts && !cancel.IsCancellationRequested)
            {
                await Task.Delay(RetryPause, cancel);
            }
            catch (Exception error) when (error is HttpRequestException or IOException)
            {
                throw new CourseImportException($"Downloading {url} failed after {Attempts} attempts: {error.Message} (run the same command again to resume).");
            }
        }
        if (total is { } expectedLength && new FileInfo(partial).Length != expectedLength)
            throw new CourseImportException($"Downloading {url} ended at {new FileInfo(partial).Length:N0} of {expectedLength:N0} bytes; run it again to resume.");
        var wanted = expectedSha256?.Trim().ToLowerInvariant() ?? published;
        if (wanted is not null)
        {
            await using var file = File.OpenRead(partial);
            var actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancel));
            if (actual != wanted)
            {
                File.Delete(partial);
                throw new CourseImportException($"The file from {url} has SHA-256 {actual}, not the expected {wanted}; it was deleted. Check the address (or the --sha256 you gave) and try again.");
            }
        }
        var name = Path.GetFileName(Uri.UnescapeDataString(url.AbsolutePath));
        return (partial, string.IsNullOrWhiteSpace(name) ? "download" : name);
    }

    /// <summary>One request from where the partial file ends; answers the published SHA-256 (or null) and the full length when known.</summary>
    private async Task<(string? Sha256, long? Total)> ResumeAsync(Uri url, string partial, IProgress<Progress>? progress, CancellationToken cancel)
    {
        var have = File.Exists(partial) ? new FileInfo(partial).Length : 0;
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (have > 0)
            request.Headers.Range = new RangeHeaderValue(have, null);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel);
        if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable && have > 0)
            return (PublishedSha256(response), have); // already complete
        if (!response.IsSuccessStatusCode)
            throw new CourseImportException($"{url} answered {(int)response.StatusCode} {response.ReasonPhrase}.");
        var resumed = response.StatusCode == HttpStatusCode.PartialContent;
        if (!resumed)
            have = 0; // the server sends it all again
        var total = resumed ? response.Content.Headers.ContentRange?.Length : response.Content.Headers.ContentLength;
        await using var output = new FileStream(partial, resumed ? FileMode.Append : FileMode.Create, FileAccess.Write);
        await using var input = await response.Content.ReadAsStreamAsync(cancel);
        var buffer = new byte[1 << 16];
        int read;
        while ((read = await input.ReadAsync(buffer, cancel)) > 0)
        {
            await output.WriteAsync(buffer.AsMemory(0, read), cancel);
            have += read;
            progress?.Report(new Progress(have, total));
        }
        if (total is { } length && have < length)
            throw new IOException($"the connection closed at {have:N0} of {length:N0} bytes");
        return (PublishedSha256(response), total);
    }

    private static string? PublishedSha256(HttpResponseMessage response)
    {
        foreach (var name in new[] { "X-Linked-ETag", "ETag" })
        {
            if (response.Headers.TryGetValues(name, out var values) && values.FirstOrDefault()?.Trim('"', ' ', 'W', '/') is { Length: 64 } tag
                && tag.All(Uri.IsHexDigit))
                return tag.ToLowerInvariant();
        }
        return null;
    }
}
