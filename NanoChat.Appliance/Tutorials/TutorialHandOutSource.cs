using NanoChat.Appliance.Admin;

namespace NanoChat.Appliance.Tutorials;

/// <summary>
/// Lets the instructor console hand out a catalog tutorial by slug (built-in or uploaded): the
/// current version's cells, keyed "tutorial:{slug}". Each copy handed out is also recorded as the
/// student's copy of that tutorial, so their catalog shows "Open your copy" on it instead of
/// offering a second one.
/// </summary>
public sealed class TutorialHandOutSource(TutorialCatalog catalog, TutorialStore store) : ITutorialHandOuts
{
    public HandOuts.Source? Find(string slug)
    {
        if (catalog.Find(slug) is not { } tutorial)
            return null;
        var notebook = TutorialCatalog.Cells(tutorial);
        return new HandOuts.Source($"tutorial:{slug}", tutorial.Title, notebook.Cells, notebook.Metadata,
            OnCopied: (userId, notebookId) => store.RecordCopy(userId, slug, tutorial.Version, notebookId));
    }

    public IReadOnlyList<(string Slug, string Title)> Choices() => catalog.All().Select(tutorial => (tutorial.Slug, tutorial.Title)).ToList();
}
