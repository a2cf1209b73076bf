using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NanoChat.Appliance.Accounts;
using NanoChat.Appliance.Hosting;
using NanoChat.Appliance.Kernels;
using NanoChat.Appliance.Web;

namespace NanoChat.Appliance.Chat;

/// <summary>
/// Serves one chat reply: queues `appliance_chat.reply(...)` in the caller's own worker (chat and
/// notebook cells take turns there), follows that execution's log and re-words its events as chat
/// events: `{"type":"token","text"}`, `{"type":"notice","text"}`, `{"type":"error","message"}`, then
/// `{"type":"done","status","stopped","tokens","durationMs"}`. A client that goes away (the Stop
/// button aborts the request) stops the reply in the kernel, and nothing else.
/// </summary>
public static class ChatStream
{
    public const string TokenMime = "application/vnd.nanochat.token+json";

    public static async Task<IResult> ReplyAsync(ChatRequest request, HttpContext http, CheckpointStore checkpoints, KernelManager kernels,
        ApplianceOptions options, ChatOptions chatOptions, CourseData.CourseStore course)
    {
        if (request.Check(chatOptions) is { } problem)
            return Problems.BadRequest(problem);
        var userId = http.User.Id();
        if (checkpoints.Find(userId, request.Checkpoint!.Value) is not { } checkpoint)
            return Problems.NotFound("The checkpoint");
        if (CheckpointDiscovery.Resolve(ChatApi.WorkspaceOf(options, userId), checkpoint.RelativePath) is null
            && CourseData.CourseShelf.HostFileOf(course, checkpoint.RelativePath) is null)
            return Problems.NotFound("The checkpoint file");

        var arguments = new JsonObject
        {
            ["kind"] = checkpoint.Kind,
            ["path"] = checkpoint.RelativePath,
            ["step"] = checkpoint.Step,
            ["messages"] = JsonSerializer.SerializeToNode(request.Messages!.Select(m => new { role = m.Role, content = m.Content })),
            ["maxTokens"] = request.MaxTokens ?? chatOptions.DefaultTokens,
            ["temperature"] = request.Temperature ?? 0.8,
            ["topK"] = request.TopK is null or 0 ? null : request.TopK,
            ["maxSeconds"] = chatOptions.MaxSeconds,
        };
        // A JSON string is also a valid Python string literal, so the request travels as data, not code.
        var code = $"import appliance_chat\n_reply_tokens = appliance_chat.reply({JsonSerializer.Serialize(arguments.ToJsonString())})\n";
        var execution = kernels.SubmitChat(userId, http.User.Username(), code);
        await StreamAsync(http, execution, userId, kernels);
        return Results.Empty;
    }

    private static async Task StreamAsync(HttpContext http, Execution execution, long userId, KernelManager kernels)
    {
        var response = http.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        var cancel = http.RequestAborted;
        var tokens = 0;
        try
        {
            await response.StartAsync(cancel);
            await foreach (var (_, json) in ExecutionLog.ReadAsync(execution.Log.Path, execution.Log, 0, cancel))
            {
                var chatEvent = Translate(JsonNode.Parse(json) as JsonObject, ref tokens);
                if (chatEvent is null)
                    continue;
                await response.Body.WriteAsync(Encoding.UTF8.GetBytes($"data: {chatEvent.ToJsonString()}\n\n"), cancel);
                await response.Body.FlushAsync(cancel);
            }
        }
        catch (Exception error) when (error is OperationCanceledException or IOException)
        {
        }
        finally
        {
            if (!execution.Finished.IsCompleted)
                await kernels.CancelAsync(userId, execution); // the tab closed or Stop was pressed
        }
    }

    /// <summary>One execution event as a chat event, or null for those the chat does not show.</summary>
    internal static JsonObject? Translate(JsonObject? evt, ref int tokens)
    {
        var token = (evt?["data"] as JsonObject)?[TokenMime]?["text"];
        switch ((string?)evt?["type"])
        {
            case "display" when token is not null:
                tokens++;
                return new JsonObject { ["type"] = "token", ["text"] = (string?)token };
            case "stdout" or "stderr":
                return new JsonObject { ["type"] = "notice", ["text"] = (string?)evt!["text"] };
            case "status":
                return new JsonObject { ["type"] = "notice", ["text"] = (string?)evt!["message"] };
            case "error":
                var name = (string?)evt!["ename"];
                var value = (string?)evt["evalue"];
                return new JsonObject { ["type"] = "error", ["message"] = name == "ChatError" ? value : $"{name}: {value}" };
            case "done":
                var status = (string?)evt!["status"];
                return new JsonObject
                {
                    ["type"] = "done",
                    ["status"] = status,
                    ["stopped"] = status is "interrupted" or "killed",
                    ["tokens"] = tokens,
                    ["durationMs"] = evt["durationMs"]?.DeepClone(),
                    ["reason"] = evt["reason"]?.DeepClone(),
                };
            default:
                return null;
        }
    }
}
