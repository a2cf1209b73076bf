using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace NanoChat.Appliance.Tutorials;

/// <summary>
/// One tutorial of the catalog: built into the binary (tutorials/*.ipynb) or uploaded by an
/// instructor. <see cref="Version"/> is a hash of the notebook text, so any change to the file is a
/// newer version. The text itself is not part of the API answer.
/// </summary>
public sealed record Tutorial(
    string Slug, string Title, string Summary, string Level, bool RequiresGpu, int CellCount, string Version, string Origin,
    [property: JsonIgnore] string Content)
{
    public const string BuiltIn = "built-in";
    public const string Uploaded = "uploaded";
    public static readonly string[] Levels = ["beginner", "intermediate", "advanced"];

    public static string VersionOf(string content) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)))[..16];
}

/// <summary>The catalog as one user sees it: the tutorial, and their newest copy if they opened it.</summary>
public sealed record TutorialEntry(
    string Slug, string Title, string Summary, string Level, bool RequiresGpu, int CellCount, string Version, string Origin,
    TutorialCopy? YourCopy, bool NewerVersionAvailable);

/// <summary>A user's copy: which notebook, which tutorial version it was copied from, and when.</summary>
public sealed record TutorialCopy(long NotebookId, long ProjectId, string Version, DateTimeOffset CopiedAt);

/// <summary>Reads the catalog fields a tutorial notebook carries in <c>metadata.nanochat.tutorial</c>.</summary>
public static partial class TutorialMetadata
{
    public sealed record Fields(string? Title, string? Summary, string? Level, bool? RequiresGpu);

    public static Fields Read(JsonObject notebookMetadata)
    {
        var tutorial = notebookMetadata["nanochat"]?["tutorial"] as JsonObject;
        return new Fields(
            String(tutorial?["title"]) ?? String(notebookMetadata["title"]),
            String(tutorial?["summary"]),
            String(tutorial?["level"]),
            tutorial?["requires_gpu"] is JsonValue gpu && gpu.TryGetValue<bool>(out var requiresGpu) ? requiresGpu : null);
    }

    /// <summary>"Lecture 2: Bigrams!" → "lecture-2-bigrams": letters, digits and dashes only, so it is safe anywhere.</summary>
    public static string Slugify(string title)
    {
        var slug = NonSlug().Replace(title.ToLowerInvariant(), "-").Trim('-');
        if (slug.Length > 60)
            slug = slug[..60].TrimEnd('-');
        return slug;
    }

    public static bool IsSlug(string slug) => SlugPattern().IsMatch(slug);

    private static string? String(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text) ? text.Trim() : null;

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NonSlug();

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$")]
    private static partial Regex SlugPattern();
}
