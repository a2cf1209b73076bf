using System.Text;
using NanoChat.Appliance.Ipynb;
using NanoChat.Appliance.Notebooks;
using NanoChat.Appliance.Projects;
using NanoChat.Appliance.Web;

namespace NanoChat.Appliance.Tutorials;

/// <summary>
/// The tutorial catalog: the notebooks built into the binary plus those instructors uploaded, and
/// opening one, which copies it into the user's "Tutorials" project. A copy is the user's own
/// notebook from then on; a newer appliance or upload only makes the catalog say a newer version
/// exists and offer a fresh copy. One per process; built-ins are read once.
/// </summary>
public sealed class TutorialCatalog(TutorialStore store, ProjectStore projects, NotebookStore notebooks)
{
    public const string ProjectName = "Tutorials";

    private static readonly Lazy<IReadOnlyList<Tutorial>> BuiltIns = new(LoadBuiltIns);

    public sealed record Opened(Notebook Notebook, bool Created, string Version);

    public IReadOnlyList<Tutorial> All() => [.. BuiltIns.Value, .. store.Uploads()];

    public Tutorial? Find(string slug) => All().FirstOrDefault(tutorial => tutorial.Slug == slug);

    public static bool IsBuiltIn(string slug) => BuiltIns.Value.Any(tutorial => tutorial.Slug == slug);

    public IReadOnlyList<TutorialEntry> Entries(long userId)
    {
        var copies = store.LatestCopies(userId);
        return All().Select(tutorial =>
        {
            var copy = copies.GetValueOrDefault(tutorial.Slug);
            return new TutorialEntry(tutorial.Slug, tutorial.Title, tutorial.Summary, tutorial.Level, tutorial.RequiresGpu, tutorial.CellCount,
                tutorial.Version, tutorial.Origin, copy, copy is not null && copy.Version != tutorial.Version);
        }).ToList();
    }

    /// <summary>
    /// The user's up-to-date copy if they have one (unless <paramref name="fresh"/>), otherwise a new
    /// copy of the current version. Null when no tutorial has that slug.
    /// </summary>
    public Opened? Open(long userId, string slug, bool fresh)
    {
        var tutorial = Find(slug);
        if (tutorial is null)
            return null;
        var existing = store.LatestCopies(userId).GetValueOrDefault(slug);
        if (!fresh && existing is not null && existing.Version == tutorial.Version && notebooks.Find(userId, existing.NotebookId) is { } current)
            return new Opened(current, false, tutorial.Version);
        var imported = Cells(tutorial);
        var project = projects.FindOrCreate(userId, ProjectName);
        var copies = store.CopyCount(userId, slug);
        var name = copies == 0 ? tutorial.Title : $"{tutorial.Title} ({copies + 1})";
        var notebook = notebooks.Create(userId, project.Id, name.Length <= DisplayNames.MaxLength ? name : name[..DisplayNames.MaxLength], imported.Cells, imported.Metadata)
            ?? throw new InvalidOperationException("The Tutorials project vanished while copying.");
        store.RecordCopy(userId, slug, tutorial.Version, notebook.Id);
        return new Opened(notebook, true, tutorial.Version);
    }

    /// <summary>
    /// The tutorial's cells and metadata as they are copied into a student's notebook (when they open
    /// it, or when it is handed out). Every tutorial was validated on load or upload, so failing here
    /// means the stored text was changed behind the catalog's back.
    /// </summary>
    public static ImportedNotebook Cells(Tutorial tutorial)
    {
        var (imported, error) = IpynbReader.Read(Encoding.UTF8.GetBytes(tutorial.Content));
        return imported ?? throw new InvalidOperationException($"The tutorial '{tutorial.Slug}' is not a readable notebook: {error}");
    }

    private static List<Tutorial> LoadBuiltIns()
    {
        var tutorials = new List<Tutorial>();
        foreach (var file in EmbeddedAssets.Files.GetDirectoryContents("tutorials").Where(file => file.Name.EndsWith(".ipynb", StringComparison.Ordinal)))
        {
            var content = EmbeddedAssets.ReadText($"tutorials/{file.Name}");
            var (notebook, error) = IpynbReader.Read(Encoding.UTF8.GetBytes(content));
            if (notebook is null)
                throw new InvalidOperationException($"The built-in tutorial '{file.Name}' is not a valid notebook: {error}");
            var fields = TutorialMetadata.Read(notebook.Metadata);
            var slug = file.Name[..^".ipynb".Length];
            tutorials.Add(new Tutorial(slug, fields.Title ?? slug, fields.Summary ?? "", fields.Level ?? "beginner", fields.RequiresGpu ?? false,
                notebook.Cells.Count, Tutorial.VersionOf(content), Tutorial.BuiltIn, content));
        }
        return [.. tutorials.OrderBy(tutorial => tutorial.RequiresGpu).ThenBy(tutorial => tutorial.Title, StringComparer.OrdinalIgnoreCase)];
    }
}
