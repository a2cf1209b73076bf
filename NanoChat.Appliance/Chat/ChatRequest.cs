namespace NanoChat.Appliance.Chat;

/// <summary>
/// `POST /api/chat` body and its limits (the old nanochat chat server's limits, kept: ≤ 500 messages,
/// ≤ 8,000 characters each, ≤ 32,000 in all, roles user|assistant, temperature 0–2, top-k 0–200).
/// </summary>
public sealed record ChatRequest(long? Checkpoint, List<ChatMessage>? Messages, int? MaxTokens = null, double? Temperature = null, int? TopK = null)
{
    public const int MaxMessages = 500;
    public const int MaxMessageChars = 8_000;
    public const int MaxTotalChars = 32_000;

    /// <summary>Returns why the request cannot be served, or null.</summary>
    public string? Check(ChatOptions options)
    {
        if (Checkpoint is null)
            return "Choose a 'checkpoint' (an id from GET /api/checkpoints).";
        if (Messages is not { Count: > 0 })
            return "'messages' needs at least one message.";
        if (Messages.Count > MaxMessages)
            return $"A conversation has at most {MaxMessages} messages.";
        foreach (var message in Messages)
        {
            if (message is null || (message.Role != "user" && message.Role != "assistant"))
                return "Each message has the role 'user' or 'assistant'.";
            if (string.IsNullOrWhiteSpace(message.Content))
                return "A message cannot be empty.";
            if (message.Content.Length > MaxMessageChars)
                return $"A message has at most {MaxMessageChars:N0} characters.";
        }
        if (Messages.Sum(message => message.Content!.Length) > MaxTotalChars)
            return $"The conversation has more than {MaxTotalChars:N0} characters; clear it and start again.";
        if (Messages[^1].Role != "user")
            return "The last message must be the user's.";
        // Worded for the page's fields (the JSON name follows, for scripts).
        if (MaxTokens is { } tokens && (tokens < 1 || tokens > options.MaxTokens))
            return $"Max tokens is between 1 and {options.MaxTokens} ('maxTokens').";
        if (Temperature is { } temperature && (temperature < 0 || temperature > 2 || double.IsNaN(temperature)))
            return "Temperature is between 0 and 2 ('temperature').";
        if (TopK is { } topK && (topK < 0 || topK > 200))
            return "Top-k is between 0 and 200, 0 for no limit ('topK').";
        return null;
    }
}

public sealed record ChatMessage(string? Role, string? Content);

/// <summary>Limits of one reply, set by the instructor (command line / environment / appsettings).</summary>
public sealed class ChatOptions
{
    /// <summary>Most tokens one reply may have.</summary>
    public int MaxTokens { get; set; } = 1024;

    /// <summary>Tokens a reply gets when the request names none.</summary>
    public int DefaultTokens { get; set; } = 200;

    /// <summary>Longest a reply may run before it is cut (seconds), so a chat cannot hold the kernel.</summary>
    public double MaxSeconds { get; set; } = 60;
}
