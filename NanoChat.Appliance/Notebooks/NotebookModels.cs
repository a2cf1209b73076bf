using System.Text.Json.Nodes;

namespace NanoChat.Appliance.Notebooks;

/// <summary>
/// A cell in our own shape, close to nbformat v4: <c>source</c> is one string, <c>outputs</c> are
/// nbformat output objects kept as JSON so every MIME type survives untouched.
/// </summary>
public sealed record Cell(
    string Id,
    string Type,
    string Source,
    JsonArray? Outputs = null,
    int? ExecutionCount = null,
    JsonObject? Metadata = null,
    JsonObject? Attachments = null)
{
    public static readonly string[] Types = ["code", "markdown", "raw"];
}

/// <summary>A notebook as the API shows it: <c>{id, projectId, name, revision, updatedAt, cells, metadata}</c>.</summary>
public sealed record Notebook(long Id, long ProjectId, string Name, long Revision, DateTimeOffset UpdatedAt, IReadOnlyList<Cell> Cells, JsonObject Metadata);

/// <summary>A notebook in a list: no cells.</summary>
public sealed record NotebookSummary(long Id, long ProjectId, string Name, long Revision, DateTimeOffset UpdatedAt, int CellCount);

/// <summary>One entry of a notebook's history.</summary>
public sealed record NotebookRevision(long Revision, string Name, DateTimeOffset SavedAt, int CellCount);

/// <summary>What a save reports: the saved notebook, or the revision that made it stale, or not found.</summary>
public abstract record SaveOutcome
{
    public sealed record Saved(Notebook Notebook) : SaveOutcome;
    public sealed record Stale(long CurrentRevision) : SaveOutcome;
    public sealed record Missing : SaveOutcome;
}
