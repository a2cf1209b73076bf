using System.Text;

namespace NanoChat.Appliance.Kernels;

/// <summary>
/// Writes an execution log as text/event-stream: `id: N` and `data: JSON` per event, from after the
/// given sequence number, following the log until it completes or the client goes away. A client
/// that goes away stops only its own stream; the execution keeps running and logging.
/// </summary>
public static class ServerSentEvents
{
    public static async Task StreamAsync(HttpContext http, string logPath, ExecutionLog? live, long afterSequence)
    {
        var response = http.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        var body = response.Body;
        var cancel = http.RequestAborted;
        try
        {
            await response.StartAsync(cancel);
            var text = new StringBuilder();
            await foreach (var batch in ExecutionLog.ReadBatchesAsync(logPath, live, afterSequence, cancel))
            {
                // One write and one flush per batch: fewer packets and wake-ups than one per event.
                foreach (var (sequence, json) in batch)
                    text.Append("id: ").Append(sequence).Append("\ndata: ").Append(json).Append("\n\n");
                await FlushAsync(body, text, cancel);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException)
        {
        }
    }

    private static async Task FlushAsync(Stream body, StringBuilder text, CancellationToken cancel)
    {
        if (text.Length == 0)
            return;
        await body.WriteAsync(Encoding.UTF8.GetBytes(text.ToString()), cancel);
        await body.FlushAsync(cancel);
        text.Clear();
    }
}
