namespace NanoChat.Appliance.CourseData;

/// <summary>
/// What a staged item is, and so where kernels see it. nanochat reads everything under
/// <c>NANOCHAT_BASE_DIR</c> (the kernel's <c>~/.cache/nanochat</c>), tiktoken its cache folder, the
/// FlashAttention kernel the Hugging Face hub cache; every item is also visible as itself under
/// <see cref="CourseMounts.SandboxRoot"/>.
/// </summary>
public sealed record CourseItemKind(string Name, string Description, string? NanochatFolder)
{
    public static readonly CourseItemKind Shards = new("shards", "pretraining shards (parquet)", "base_data_climbmix");
    public static readonly CourseItemKind Tokenizer = new("tokenizer", "a trained tokenizer (tokenizer.pkl, token_bytes.pt)", "tokenizer");
    public static readonly CourseItemKind EvalBundle = new("eval-bundle", "the CORE evaluation bundle", "eval_bundle");
    public static readonly CourseItemKind TaskData = new("task-data", "SFT and evaluation task files", "task_data");
    public static readonly CourseItemKind Tiktoken = new("tiktoken", "tiktoken encodings (cache folder)", null);
    public static readonly CourseItemKind HubCache = new("hub-cache", "a Hugging Face hub cache (the FlashAttention kernel)", null);
    public static readonly CourseItemKind Checkpoint = new("checkpoint", "a trained model for the shelf", null);
    public static readonly CourseItemKind Files = new("files", "other files", null);

    public static readonly IReadOnlyList<CourseItemKind> All = [Shards, Tokenizer, EvalBundle, TaskData, Tiktoken, HubCache, Checkpoint, Files];

    public static CourseItemKind? Find(string? name) => All.FirstOrDefault(kind => kind.Name == name);

    public static string Names => string.Join(", ", All.Select(kind => kind.Name));
}
