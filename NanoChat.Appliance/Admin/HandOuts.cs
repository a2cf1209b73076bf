using System.Text.Json.Nodes;
using NanoChat.Appliance.Accounts;
using NanoChat.Appliance.Notebooks;
using NanoChat.Appliance.Projects;
using NanoChat.Appliance.Storage;

namespace NanoChat.Appliance.Admin;

/// <summary>
/// Gives a notebook to students: each recipient gets their own copy in a project of the given name
/// (found or created). A student who already holds a copy of the same source keeps it untouched and
/// is reported as skipped; one who deleted theirs gets a fresh one. Copies start without outputs
/// unless asked (students run the cells themselves). One hand-out at a time, so two clicks cannot
/// give a student two copies. Singleton.
/// </summary>
public sealed class HandOuts(Database database, ProjectStore projects, NotebookStore notebooks, EventLog events)
{
    private readonly Lock _oneAtATime = new();

    /// <summary>
    /// What is handed out: a key naming its origin ("notebook:12", "tutorial:slug"), its content, and
    /// what else should learn of each new copy (the tutorial catalog records it as the student's copy).
    /// </summary>
    public sealed record Source(string Key, string Name, IReadOnlyList<Cell> Cells, JsonObject? Metadata, Action<long, long>? OnCopied = null);

    public sealed record CopyResult(long UserId, string Username, string Status, long? NotebookId);

    public sealed record Outcome(long HandOutId, string ProjectName, string NotebookName, IReadOnlyList<CopyResult> Copies);

    public static Source FromNotebook(Notebook notebook) => new($"notebook:{notebook.Id}", notebook.Name, notebook.Cells, notebook.Metadata);

    public Outcome Give(Source source, string projectName, IReadOnlyList<User> recipients, bool keepOutputs, User actor)
    {
        var cells = keepOutputs ? source.Cells : source.Cells.Select(cell => cell.Type == "code" ? cell with { Outputs = [], ExecutionCount = null } : cell).ToList();
        lock (_oneAtATime)
        {
            var handOutId = database.Write((connection, transaction) =>
                (long)connection.Scalar(
                    """
                    INSERT INTO handouts (source, notebook_name, project_name, created_by, created_at) VALUES ($s, $n, $p, $by, $t)
                    ON CONFLICT (source, project_name) DO UPDATE SET notebook_name = excluded.notebook_name RETURNING id
                    """,
                    transaction, ("$s", source.Key), ("$n", source.Name), ("$p", projectName), ("$by", actor.Id), ("$t", SqliteCommandExtensions.Now()))!);
            var results = new List<CopyResult>();
            foreach (var user in recipients)
            {
                var existing = ExistingCopy(source.Key, user.Id);
                if (existing is not null)
                {
                    results.Add(new CopyResult(user.Id, user.Username, "kept", existing));
                    continue;
                }
                var project = projects.FindOrCreate(user.Id, projectName);
                var metadata = (source.Metadata?.DeepClone() as JsonObject) ?? [];
                metadata["handout"] = new JsonObject { ["id"] = handOutId, ["source"] = source.Key };
                var copy = notebooks.Create(user.Id, project.Id, source.Name, cells, metadata)!;
                database.Write((connection, transaction) => connection.Execute(
                    """
                    INSERT INTO handout_copies (handout_id, user_id, notebook_id, copied_at) VALUES ($h, $u, $n, $t)
                    ON CONFLICT (handout_id, user_id) DO UPDATE SET notebook_id = excluded.notebook_id, copied_at = excluded.copied_at
                    """,
                    transaction, ("$h", handOutId), ("$u", user.Id), ("$n", copy.Id), ("$t", SqliteCommandExtensions.Now())));
                source.OnCopied?.Invoke(user.Id, copy.Id);
                results.Add(new CopyResult(user.Id, user.Username, "copied", copy.Id));
            }
            var copied = results.Count(result => result.Status == "copied");
            events.InstructorAction(actor.Username, null, $"handed out '{source.Name}' into '{projectName}': {copied} copied, {results.Count - copied} kept");
            return new Outcome(handOutId, projectName, source.Name, results);
        }
    }

    /// <summary>The user's surviving copy of anything handed out from <paramref name="sourceKey"/>, or null.</summary>
    private long? ExistingCopy(string sourceKey, long userId) =>
        database.Read(connection => connection.Scalar(
            """
            SELECT c.notebook_id FROM handout_copies c JOIN handouts h ON h.id = c.handout_id
            WHERE h.source = $s AND c.user_id = $u AND c.notebook_id IS NOT NULL LIMIT 1
            """, null, ("$s", sourceKey), ("$u", userId)) as long?);

    /// <summary>The owner of any notebook (for the instructor's read-only view), or null.</summary>
    public long? OwnerOf(long notebookId) =>
        database.Read(connection => connection.Scalar("SELECT owner_id FROM notebooks WHERE id = $id", null, ("$id", notebookId)) as long?);
}
