namespace NanoChat.Appliance.Chat;

/// <summary>A checkpoint as the API shows it: <c>{id, name, kind, step, sizeBytes, createdAt}</c>.</summary>
public sealed record Checkpoint(long Id, string Name, string Kind, long? Step, long SizeBytes, DateTimeOffset CreatedAt)
{
    /// <summary>Path relative to the owner's workspace (the kernel's home and working folder); never shown.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string RelativePath { get; init; } = "";
}

/// <summary>The kinds of checkpoint the chat can load, and how each is sampled in the worker.</summary>
public static class CheckpointKinds
{
    public const string TinyGpt = "tiny-gpt";
    public const string NanochatBase = "nanochat-base";
    public const string NanochatSft = "nanochat-sft";
    public const string NanochatRl = "nanochat-rl";

    public static readonly string[] All = [TinyGpt, NanochatBase, NanochatSft, NanochatRl];
}
