using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace NanoChat.Appliance.Kernels.Protocol;

// The web ⇄ worker protocol, all of it, in this one file (architecture.md, "Kernel protocol").
//
// Transport: a Unix domain socket that the web process creates and listens on; the worker connects
// once at start. Each frame is a 4-byte big-endian payload length followed by that many bytes of
// UTF-8 JSON: one object whose "type" field names the message. The worker never writes anything to
// fd 1 or 2 (those carry student output into pipes), so the socket is the only channel.
//
// Commands, web → worker:
//   execute   {id, namespace, code, silent?}  run code in the globals dict named `namespace` (one per
//                                    notebook); the worker queues them and runs them one at a time on its
//                                    main thread. silent: not a student's cell (interact's control moved):
//                                    not numbered.
//   interrupt {id}                   KeyboardInterrupt into execution `id` if it is the one running;
//                                    ignored otherwise (never leaks into the next cell).
//   complete  {id, namespace, code, cursor}  completion candidates for code up to `cursor`.
//   inspect   {id, namespace, code, cursor}  help (signature, type, docstring) for the name at `cursor`.
//   input_reply {id, value}          the student's answer to execution `id`'s input(); ignored unless
//                                    that execution is the one waiting.
//   shutdown  {}                     exit now (no Python shutdown: nothing to gain, and slow with torch).
//
// Notifications, worker → web:
//   started   {pid, pythonVersion, executable}  Python is initialised and the worker takes commands.
//   stream    {id, name, text}       a batch of stdout/stderr text (name "stdout"|"stderr"), captured at
//                                    the file-descriptor level, sent about every 20 ms or 64 KiB.
//   display   {id, outputType, data, metadata, displayId?}  a Jupyter MIME bundle; outputType is
//                                    "display_data" (display(), matplotlib figures) or "execute_result"
//                                    (last expression); displayId when display(display_id=...) may replace it.
//   update_display {id, outputType, data, metadata, displayId}  replaces every output shown with that
//                                    displayId, in whichever cell of the notebook it is.
//   clear_output {id, wait}          clear_output(): the cell's output so far is replaced; wait true: only
//                                    once the next output arrives (a live plot does not flicker).
//   input_request {id, prompt, password?}  input() in execution `id` waits for a line from the student;
//                                    password true for getpass() (the page hides what is typed).
//   set_next_input {id, text, replace}  %load: the page puts text into the running cell (replace) or a
//                                    new cell below it; nothing runs until the student runs it.
//   error     {id, ename, evalue, traceback}  a Python exception; traceback lines show the cell's own source.
//   done      {id, status, executionCount, durationMs}  status "ok"|"error"|"interrupted"; the last
//                                    message of an execution. ("killed" is only ever made by the web
//                                    side, when a worker dies.)
//   completions {id, matches, cursorStart, kinds}  the answer to `complete`: names (no "(" after callables), kinds function|variable.
//   inspection {id, found, text}     the answer to `inspect` (found false: no name there, or unknown).
//   stats     {rssBytes, gpuBytes}   sent about once a second; gpuBytes is torch's reserved CUDA memory.

/// <summary>A message on the kernel socket; the JSON "type" field says which record it is.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(ExecuteCommand), "execute")]
[JsonDerivedType(typeof(InterruptCommand), "interrupt")]
[JsonDerivedType(typeof(CompleteCommand), "complete")]
[JsonDerivedType(typeof(InspectCommand), "inspect")]
[JsonDerivedType(typeof(InputReplyCommand), "input_reply")]
[JsonDerivedType(typeof(ShutdownCommand), "shutdown")]
[JsonDerivedType(typeof(StartedNotification), "started")]
[JsonDerivedType(typeof(StreamNotification), "stream")]
[JsonDerivedType(typeof(DisplayNotification), "display")]
[JsonDerivedType(typeof(UpdateDisplayNotification), "update_display")]
[JsonDerivedType(typeof(ClearOutputNotification), "clear_output")]
[JsonDerivedType(typeof(SetNextInputNotification), "set_next_input")]
[JsonDerivedType(typeof(InputRequestNotification), "input_request")]
[JsonDerivedType(typeof(ErrorNotification), "error")]
[JsonDerivedType(typeof(DoneNotification), "done")]
[JsonDerivedType(typeof(CompletionsNotification), "completions")]
[JsonDerivedType(typeof(InspectionNotification), "inspection")]
[JsonDerivedType(typeof(StatsNotification), "stats")]
public abstract record KernelMessage;

public sealed record ExecuteCommand(string Id, string Namespace, string Code,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Silent = false) : KernelMessage;
public sealed record InterruptCommand(string Id) : KernelMessage;
public sealed record CompleteCommand(string Id, string Namespace, string Code, int Cursor) : KernelMessage;
public sealed record InspectCommand(string Id, string Namespace, string Code, int Cursor) : KernelMessage;
public sealed record InputReplyCommand(string Id, string Value) : KernelMessage;
public sealed record ShutdownCommand : KernelMessage;

public sealed record StartedNotification(int Pid, string PythonVersion, string Executable) : KernelMessage;
public sealed record StreamNotification(string Id, string Name, string Text) : KernelMessage;
public sealed record DisplayNotification(string Id, string OutputType, JsonObject Data, JsonObject Metadata,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DisplayId = null) : KernelMessage;
public sealed record UpdateDisplayNotification(string Id, string OutputType, JsonObject Data, JsonObject Metadata, string DisplayId) : KernelMessage;
public sealed record ClearOutputNotification(string Id, bool Wait) : KernelMessage;
public sealed record SetNextInputNotification(string Id, string Text, bool Replace) : KernelMessage;
public sealed record InputRequestNotification(string Id, string Prompt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Password = false) : KernelMessage;
public sealed record ErrorNotification(string Id, string Ename, string Evalue, IReadOnlyList<string> Traceback) : KernelMessage;
public sealed record DoneNotification(string Id, string Status, int ExecutionCount, long DurationMs) : KernelMessage;
/// <summary>Names that complete the text before the cursor (never with a "(" after callables), and
/// each one's kind ("function" for callables, else "variable"), at the same index.</summary>
public sealed record CompletionsNotification(string Id, IReadOnlyList<string> Matches, int CursorStart, IReadOnlyList<string>? Kinds = null) : KernelMessage, IKernelAnswer;
public sealed record InspectionNotification(string Id, bool Found, string Text) : KernelMessage, IKernelAnswer;
public sealed record StatsNotification(long RssBytes, long GpuBytes) : KernelMessage;

/// <summary>A worker's answer to one request (complete, inspect), matched to it by <see cref="Id"/>.</summary>
public interface IKernelAnswer
{
    string Id { get; }
}

/// <summary>Execution outcomes as they appear in done messages, the database and the API.</summary>
public static class ExecutionStatus
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Ok = "ok";
    public const string Error = "error";
    public const string Interrupted = "interrupted";
    public const string Killed = "killed";

    public static bool IsFinal(string status) => status is Ok or Error or Interrupted or Killed;
}

/// <summary>
/// Length-prefixed JSON frames on a stream. Reads and writes are each safe from one thread at a time;
/// callers serialise writers with their own lock.
/// </summary>
public static class KernelFraming
{
    /// <summary>Largest frame accepted (bytes); a 64 KiB output batch or a big PNG fits with room.</summary>
    public const int MaxFrameBytes = 64 * 1024 * 1024;

    public static byte[] Encode(KernelMessage message)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(message, KernelJsonContext.Default.KernelMessage);
        var frame = new byte[body.Length + 4];
        BinaryPrimitives.WriteInt32BigEndian(frame, body.Length);
        body.CopyTo(frame, 4);
        return frame;
    }

    public static void Write(Stream stream, KernelMessage message)
    {
        stream.Write(Encode(message));
        stream.Flush();
    }

    public static async Task WriteAsync(Stream stream, KernelMessage message, CancellationToken cancel)
    {
        await stream.WriteAsync(Encode(message), cancel);
        await stream.FlushAsync(cancel);
    }

    /// <summary>The next message, or null at a clean end of stream.</summary>
    public static KernelMessage? Read(Stream stream)
    {
        Span<byte> header = stackalloc byte[4];
        if (!Fill(stream, header))
            return null;
        var body = new byte[CheckedLength(header)];
        if (!Fill(stream, body))
            throw new EndOfStreamException("The kernel socket closed in the middle of a frame.");
        return Decode(body);
    }

    public static async Task<KernelMessage?> ReadAsync(Stream stream, CancellationToken cancel)
    {
        var header = new byte[4];
        if (!await FillAsync(stream, header, cancel))
            return null;
        var body = new byte[CheckedLength(header)];
        if (!await FillAsync(stream, body, cancel))
            throw new EndOfStreamException("The kernel socket closed in the middle of a frame.");
        return Decode(body);
    }

    public static KernelMessage Decode(ReadOnlySpan<byte> body) =>
        JsonSerializer.Deserialize(body, KernelJsonContext.Default.KernelMessage) ?? throw new InvalidDataException("An empty kernel message.");

    private static int CheckedLength(ReadOnlySpan<byte> header)
    {
        var length = BinaryPrimitives.ReadInt32BigEndian(header);
        return length is < 0 or > MaxFrameBytes
            ? throw new InvalidDataException($"A kernel frame of {length} bytes is out of bounds.")
            : length;
    }

    private static bool Fill(Stream stream, Span<byte> buffer)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = stream.Read(buffer[read..]);
            if (n == 0)
                return read == 0 ? false : throw new EndOfStreamException("The kernel socket closed in the middle of a frame.");
            read += n;
        }
        return true;
    }

    private static async Task<bool> FillAsync(Stream stream, Memory<byte> buffer, CancellationToken cancel)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer[read..], cancel);
            if (n == 0)
                return read == 0 ? false : throw new EndOfStreamException("The kernel socket closed in the middle of a frame.");
            read += n;
        }
        return true;
    }
}

/// <summary>
/// The protocol's serializer, generated at build time: every worker start would otherwise build the
/// polymorphic converters by reflection (and Reflection.Emit) before its first message, tens of
/// milliseconds of a cold start.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(KernelMessage))]
internal sealed partial class KernelJsonContext : JsonSerializerContext;
