using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using NanoChat.Appliance.CourseData;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.CourseData;

/// <summary>
/// Downloads from a real HTTP server of the test's own on loopback (standing in for Hugging Face or
/// S3): a connection cut halfway is resumed with a Range request, a published or given checksum is
/// checked, a wrong one refused and the file deleted.
/// </summary>
public sealed class CourseDownloadTests : IAsyncLifetime
{
    private readonly byte[] _shard = [.. Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7))];
    private readonly string _data = TempFolders.Create("course-download");
    private WebApplication _server = null!;
    private Uri _address = null!;
    private int _cuts;
    private readonly List<string?> _ranges = [];

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _server = builder.Build();
        // shard_00000.parquet: the first request is cut after 100 kB; published checksum like Hugging Face's LFS files.
        _server.MapGet("/{file}", async (string file, HttpContext http) =>
        {
            var range = http.Request.Headers.Range.ToString();
            lock (_ranges)
                _ranges.Add(range.Length == 0 ? null : range);
            if (file == "wrong.parquet")
                http.Response.Headers["X-Linked-ETag"] = "\"" + new string('0', 64) + "\"";
            else
                http.Response.Headers["X-Linked-ETag"] = "\"" + CourseStagingTests.Sha256(_shard) + "\"";
            var start = 0;
            if (range.StartsWith("bytes=", StringComparison.Ordinal))
            {
                start = int.Parse(range["bytes=".Length..].TrimEnd('-'), System.Globalization.CultureInfo.InvariantCulture);
                http.Response.StatusCode = 206;
                http.Response.Headers.ContentRange = $"bytes {start}-{_shard.Length - 1}/{_shard.Length}";
            }
            http.Response.ContentLength = _shard.Length - start;
            if (start == 0 && file == "shard_00000.parquet" && Interlocked.Increment(ref _cuts) == 1)
            {
                await http.Response.Body.WriteAsync(_shard.AsMemory(0, 100_000));
                await http.Response.Body.FlushAsync();
                http.Abort();
                return;
            }
            await http.Response.Body.WriteAsync(_shard.AsMemory(start));
        });
        await _server.StartAsync();
        _address = new Uri(_server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        TempFolders.Delete(_data);
    }

    private CourseStaging Staging(HttpClient http, CourseStore store) => new(store, new CourseDownload(http, store), CourseLimits.Default, () => long.MaxValue);

    [Fact]
    public async Task A_cut_download_resumes_where_it_stopped_and_is_checked()
    {
        using var http = new HttpClient();
        var store = new CourseStore(_data);
        var reports = new List<CourseDownload.Progress>();
        var item = await Staging(http, store).AddAsync(new Uri(_address, "/shard_00000.parquet").AbsoluteUri, CourseItemKind.Shards, "climbmix-1", null,
            new SyncProgress(reports.Add), CancellationToken.None);

        Assert.Equal(_shard, File.ReadAllBytes(Path.Combine(store.FolderOf(item.Name), "shard_00000.parquet")));
        Assert.Equal([null, "bytes=100000-"], _ranges);
        Assert.Contains(reports, report => report.Bytes == _shard.Length && report.TotalBytes == _shard.Length);
        Assert.Empty(Directory.GetFiles(store.DownloadsFolder));
    }

    [Fact]
    public async Task A_wrong_checksum_is_refused_and_the_file_deleted()
    {
        using var http = new HttpClient();
        var store = new CourseStore(_data);
        var published = await Assert.ThrowsAsync<CourseImportException>(() =>
            Staging(http, store).AddAsync(new Uri(_address, "/wrong.parquet").AbsoluteUri, CourseItemKind.Shards, "wrong", null, null, CancellationToken.None));
        Assert.Contains("not the expected 0000", published.Message, StringComparison.Ordinal);
        var given = await Assert.ThrowsAsync<CourseImportException>(() =>
            Staging(http, store).AddAsync(new Uri(_address, "/other.parquet").AbsoluteUri, CourseItemKind.Shards, "other", new string('a', 64), null, CancellationToken.None));
        Assert.Contains("deleted", given.Message, StringComparison.Ordinal);
        Assert.Empty(store.List());
        Assert.Empty(Directory.GetFiles(store.DownloadsFolder));
    }

    private sealed class SyncProgress(Action<CourseDownload.Progress> report) : IProgress<CourseDownload.Progress>
    {
        public void Report(CourseDownload.Progress value) => report(value);
    }
}
