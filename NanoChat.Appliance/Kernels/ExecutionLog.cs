using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;

namespace NanoChat.Appliance.Kernels;

/// <summary>
/// The server-side output log of one execution: one line per event (`seq TAB json`) in a file under
/// DATA/logs, never in the workspace. The kernel appends while the cell runs; any number of readers
/// replay it from a sequence number and then follow it, so a closed tab loses nothing and a reload
/// resumes from Last-Event-ID. Output past the per-execution cap is dropped with one notice, so the
/// file stays bounded. Lives in memory while the execution runs; afterwards the file alone is read.
/// </summary>
public sealed class ExecutionLog
{
    private readonly object _lock = new();
    private readonly long _maxBytes;
    private FileStream? _writer;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _capped;

    /// <summary>A reader's batch stops growing here (a replay of a big log comes in pieces).</summary>
    private const int MaxBatchChars = 256 * 1024;

    public ExecutionLog(string path, long maxBytes)
    {
        Path = path;
        _maxBytes = maxBytes;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        _writer = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 64 * 1024);
    }

    public string Path { get; }

    /// <summary>The running cell's latest bar or printed line, for the instructor's Kernels panel.</summary>
    public ExecutionProgress Progress { get; } = new();
    public long Bytes { get; private set; }
    public long LastSequence { get; private set; }
    public bool Completed { get; private set; }

    /// <summary>Appends an event. Output (stdout/stderr/display/update_display/clear_output) past the cap is dropped; done and errors always fit.</summary>
    public void Append(JsonObject evt)
    {
        lock (_lock)
        {
            if (_writer is null)
                return;
            var type = (string?)evt["type"];
            // clear_output counts as output: past the cap it would wipe the notice saying why output stopped.
            var isOutput = type is "stdout" or "stderr" or "display" or "update_display" or "clear_output";
            if (isOutput && _capped)
                return;
            if (isOutput && Bytes > _maxBytes)
            {
                _capped = true;
                evt = new JsonObject
                {
                    ["type"] = "stderr",
                    ["text"] = $"\n[output limit of {_maxBytes / (1024 * 1024)} MiB reached: the rest of this cell's output is not kept; the cell keeps running]\n",
                };
            }
            Progress.Observe(evt);
            var line = string.Create(CultureInfo.InvariantCulture, $"{++LastSequence}\t{evt.ToJsonString()}\n");
            var bytes = Encoding.UTF8.GetBytes(line);
            _writer.Write(bytes);
            _writer.Flush();
            Bytes += bytes.Length;
            Signal();
        }
    }

    public void Complete()
    {
        lock (_lock)
        {
            Completed = true;
            _writer?.Dispose();
            _writer = null;
            Signal();
        }
    }

    private void Signal()
    {
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }

    private (Task Changed, bool Completed) Snapshot()
    {
        lock (_lock)
            return (_changed.Task, Completed);
    }

    /// <summary>Events after <paramref name="afterSequence"/>, then new ones as they come, until the log completes.</summary>
    public static async IAsyncEnumerable<(long Sequence, string Json)> ReadAsync(string path, ExecutionLog? live, long afterSequence,
        [EnumeratorCancellation] CancellationToken cancel)
    {
        await foreach (var batch in ReadBatchesAsync(path, live, afterSequence, cancel))
        {
            foreach (var evt in batch)
                yield return evt;
        }
    }

    /// <summary>
    /// Like <see cref="ReadAsync"/>, but everything that is in the file when the reader wakes comes as
    /// one batch, so a stream can send it in one write (a cell's last output and its done event
    /// usually arrive together).
    /// </summary>
    public static async IAsyncEnumerable<List<(long Sequence, string Json)>> ReadBatchesAsync(string path, ExecutionLog? live, long afterSequence,
        [EnumeratorCancellation] CancellationToken cancel)
    {
        if (!File.Exists(path))
            yield break;
        // Synchronous reads on purpose: the log was just written, so it is in the page cache and a
        // read takes microseconds; FileStream.ReadAsync would hand each read to the thread pool, a
        // thread wake-up (tenths of a millisecond on an idle box) between a cell's output and its reader.
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        var pending = new StringBuilder();
        var buffer = new byte[64 * 1024];
        var decoder = Encoding.UTF8.GetDecoder();
        var chars = new char[Encoding.UTF8.GetMaxCharCount(buffer.Length)];
        while (true)
        {
            var (changed, completed) = live?.Snapshot() ?? (Task.CompletedTask, true);
            int read;
            var batch = new List<(long, string)>();
            var batchChars = 0;
            while ((read = stream.Read(buffer)) > 0)
            {
                var count = decoder.GetChars(buffer, 0, read, chars, 0);
                pending.Append(chars, 0, count);
                batchChars += count;
                TakeLines(pending, afterSequence, batch);
                if (batchChars >= MaxBatchChars)
                {
                    yield return batch;
                    batch = [];
                    batchChars = 0;
                }
            }
            if (batch.Count > 0)
                yield return batch;
            if (completed)
                yield break;
            await changed.WaitAsync(cancel);
        }
    }

    private static void TakeLines(StringBuilder pending, long afterSequence, List<(long, string)> events)
    {
        var text = pending.ToString();
        var end = text.LastIndexOf('\n');
        if (end < 0)
            return;
        foreach (var line in text[..end].Split('\n'))
        {
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            if (tab > 0 && long.TryParse(line.AsSpan(0, tab), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) && sequence > afterSequence)
                events.Add((sequence, line[(tab + 1)..]));
        }
        pending.Remove(0, end + 1);
    }
}
