using System.Collections.Concurrent;

namespace NanoChat.Appliance.CourseData;

/// <summary>
/// Adds that run in the background (a download, a USB folder, an unpacked upload can take minutes):
/// each has an id, its progress and, at the end, the item or the refusal, for the console's
/// progress bar and `GET /api/admin/course-data/jobs/{id}`. Jobs end with the web process; the
/// newest 50 are remembered. A singleton of the web process.
/// </summary>
public sealed class CourseDataJobs(CourseStaging staging, IHostApplicationLifetime lifetime, ILogger<CourseDataJobs> logger)
{
    private const int Remembered = 50;
    private readonly ConcurrentDictionary<string, Job> _jobs = new();

    public sealed class Job(string id, string source, string kind, string name)
    {
        public string Id { get; } = id;
        public string Source { get; } = source;
        public string Kind { get; } = kind;
        public string Name { get; } = name;
        public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;
        public string State { get; internal set; } = "running";
        public long Bytes { get; internal set; }
        public long? TotalBytes { get; internal set; }
        public string? Error { get; internal set; }
        public CourseItem? Item { get; internal set; }

        public int? Percent => TotalBytes is > 0 and var total ? (int)Math.Min(100, Bytes * 100 / total) : null;
    }

    public Job? Find(string id) => _jobs.GetValueOrDefault(id);

    public IReadOnlyList<Job> Recent() => [.. _jobs.Values.OrderByDescending(job => job.StartedAt)];

    /// <summary>Starts adding <paramref name="source"/>; <paramref name="cleanup"/> runs at the end either way (an upload's temporary file).</summary>
    public Job Start(string source, CourseItemKind kind, string? name, string? sha256, string? shownSource = null, Action? cleanup = null)
    {
        var job = new Job(Guid.NewGuid().ToString("N")[..12], shownSource ?? source, kind.Name, name ?? CourseStore.NameFrom(shownSource ?? source));
        _jobs[job.Id] = job;
        foreach (var old in _jobs.Values.OrderByDescending(item => item.StartedAt).Skip(Remembered))
            _jobs.TryRemove(old.Id, out _);
        var progress = new Progress<CourseDownload.Progress>(report =>
        {
            job.Bytes = report.Bytes;
            job.TotalBytes = report.TotalBytes;
        });
        _ = Task.Run(async () =>
        {
            try
            {
                job.Item = await staging.AddAsync(source, kind, name, sha256, progress, lifetime.ApplicationStopping);
                job.State = "done";
            }
            catch (Exception error) when (error is CourseImportException or IOException or UnauthorizedAccessException or OperationCanceledException)
            {
                job.Error = error is OperationCanceledException ? "The appliance stopped before the item was staged." : error.Message;
                job.State = "failed";
                logger.LogWarning("Staging {Source} as course data failed: {Error}", job.Source, job.Error);
            }
            finally
            {
                cleanup?.Invoke();
            }
        });
        return job;
    }
}
