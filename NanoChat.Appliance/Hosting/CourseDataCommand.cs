using NanoChat.Appliance.CourseData;

namespace NanoChat.Appliance.Hosting;

/// <summary>
/// `course-data add PATH --kind KIND [--name NAME] [--sha256 HEX] [--data DIR]`, `course-data list`,
/// `course-data remove NAME`: the course data store from a shell (a USB disk on the box, a download
/// while the box is online), also while the service runs: kernels started afterwards see the change.
/// </summary>
public static class CourseDataCommand
{
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(2);

    public static async Task<int> RunAsync(string[] args)
    {
        var shape = new CommandShape("course-data", "Stages, lists and removes course data.", "data");
        var kind = shape.Option<string>("kind", "what the item is (dataset, tokenizer, checkpoint, …)");
        var name = shape.Option<string>("name", "the item's name (default: from the file)");
        var sha256 = shape.Option<string>("sha256", "the SHA-256 the download must have");
        var arguments = shape.Argument<string[]>("WORDS", "add PATH|URL, list, or remove NAME", System.CommandLine.ArgumentArity.ZeroOrMore);
        var parsed = shape.Parse(args);
        var words = parsed.Value(arguments) ?? [];
        var options = parsed.Options();
        var store = new CourseStore(options.DataDirectoryFullPath);
        switch (words.FirstOrDefault())
        {
            case "list" when words.Length == 1:
                foreach (var item in store.List())
                    Console.WriteLine($"{item.Name}\t{item.Kind}\t{item.SizeBytes}\t{item.Files} files\t{item.AddedAt:u}\t{item.Source}");
                return 0;
            case "remove" when words.Length == 2:
                if (!store.Remove(words[1]))
                    return CommandLine.Fail($"There is no course item '{words[1]}' (see 'course-data list').");
                Console.WriteLine($"Removed {words[1]}; kernels started from now on no longer see it.");
                return 0;
            case "add" when words.Length == 2:
                return await AddAsync(words[1], options, store, new Request(parsed.Value(kind), parsed.Value(name), parsed.Value(sha256)));
            default:
                return CommandLine.Fail("Use 'course-data add PATH|URL --kind KIND [--name NAME] [--sha256 HEX]', 'course-data list' or 'course-data remove NAME'.");
        }
    }

    private sealed record Request(string? Kind, string? Name, string? Sha256);

    private static async Task<int> AddAsync(string source, ApplianceOptions options, CourseStore store, Request request)
    {
        var name = request.Name;
        var (kind, problem) = CourseDataApi.Check(request.Kind, name);
        if (kind is null)
            return CommandLine.Fail(problem!);
        if (DataDirectory.Prepare(options) is { } folderProblem)
            return CommandLine.Fail(folderProblem);
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var staging = new CourseStaging(store, new CourseDownload(http, store), options.CourseLimits, () => Workspaces.WorkspaceQuota.FreeAboveReserve(options));
        var last = DateTimeOffset.MinValue;
        var progress = new SynchronousProgress(report =>
        {
            if (DateTimeOffset.UtcNow - last < ProgressEvery)
                return;
            last = DateTimeOffset.UtcNow;
            Console.Error.WriteLine(report.TotalBytes is { } total
                ? $"  {report.Bytes * 100 / Math.Max(1, total)} % ({report.Bytes:N0} of {total:N0} bytes)"
                : $"  {report.Bytes:N0} bytes");
        });
        try
        {
            var item = await staging.AddAsync(source, kind, name, request.Sha256, progress, CancellationToken.None);
            Console.WriteLine($"Staged {item.Name} ({item.Kind}, {item.SizeBytes:N0} bytes in {item.Files} files) from {item.Source}.");
            return 0;
        }
        catch (Exception error) when (error is CourseImportException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine(error.Message);
            return 1;
        }
    }

    /// <summary>Progress reported on the writer's own thread (a console command has no context to post to).</summary>
    private sealed class SynchronousProgress(Action<CourseDownload.Progress> report) : IProgress<CourseDownload.Progress>
    {
        public void Report(CourseDownload.Progress value) => report(value);
    }
}
