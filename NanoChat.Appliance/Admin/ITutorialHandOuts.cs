namespace NanoChat.Appliance.Admin;

/// <summary>
/// What hand-outs need from the tutorial catalog (Tutorials/): a tutorial's cells by its slug, so
/// `POST /api/admin/handouts {"tutorialSlug": …}` gives every student a copy just as with one of the
/// instructor's notebooks, and the list of tutorials for the console's picker. Kept as an interface
/// so Admin/ does not depend on how the catalog stores built-in and uploaded tutorials.
/// </summary>
public interface ITutorialHandOuts
{
    /// <summary>The tutorial as a hand-out source (<c>Key</c> "tutorial:{slug}"), or null when there is no such tutorial.</summary>
    HandOuts.Source? Find(string slug);

    /// <summary>Every tutorial as (slug, title), for the console's hand-out picker.</summary>
    IReadOnlyList<(string Slug, string Title)> Choices();
}
