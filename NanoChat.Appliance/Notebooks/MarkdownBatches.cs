using System.Collections.Concurrent;
using System.Diagnostics;

namespace NanoChat.Appliance.Notebooks;

/// <summary>
/// Renders the editor's batches of markdown sources within bounds, because neither Markdig nor the
/// sanitizer can be cancelled and a hundred pathological sources cost a core for tens of seconds:
/// one batch at a time per user (a second waits briefly for the first, then is refused); each batch
/// runs on its own thread and stops between sources at its deadline or when the client has gone;
/// sources not reached by the deadline come back as escaped text with a note. A user's slot is
/// freed only when that thread has really stopped, so abandoned batches cannot pile up.
/// </summary>
public sealed class MarkdownBatches(MarkdownRendering markdown)
{
    /// <summary>How long one batch may render before the rest is shown as text.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(3);

    /// <summary>How long a batch waits for the same user's previous one before it is refused.</summary>
    public static readonly TimeSpan SlotWait = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<long, SemaphoreSlim> _slots = new();

    /// <summary>The HTML for every source in order, or null when this user's previous batch is still rendering.</summary>
    public async Task<string[]?> RenderAsync(long userId, IReadOnlyList<string?> sources, CancellationToken aborted)
    {
        var slot = _slots.GetOrAdd(userId, _ => new SemaphoreSlim(1, 1));
        try
        {
            if (!await slot.WaitAsync(SlotWait, aborted))
                return null;
        }
        catch (OperationCanceledException)
        {
            return null; // the client has gone; nobody reads the answer
        }

        var results = new string?[sources.Count];
        var stop = new StopFlag();
        var clock = Stopwatch.StartNew();
        var work = Task.Run(() =>
        {
            try
            {
                for (var index = 0; index < sources.Count; index++)
                {
                    if (stop.Raised || aborted.IsCancellationRequested || clock.Elapsed > Deadline)
                        return;
                    Volatile.Write(ref results[index], markdown.ToSafeHtml(sources[index] ?? ""));
                }
            }
            finally
            {
                slot.Release();
            }
        }, CancellationToken.None);

        var left = Deadline - clock.Elapsed;
        await Task.WhenAny(work, Task.Delay(left > TimeSpan.Zero ? left : TimeSpan.Zero, aborted));
        stop.Raised = true;
        return sources.Select((source, index) => Volatile.Read(ref results[index])
            ?? MarkdownRendering.Unrendered(source ?? "", "rendering the notebook's markdown took too long")).ToArray();
    }

    private sealed class StopFlag
    {
        private volatile bool _raised;
        public bool Raised { get => _raised; set => _raised = value; }
    }
}
