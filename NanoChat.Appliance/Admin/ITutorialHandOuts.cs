namespace NanoChat.Appliance.Admin;

/// <summary>
/// What hand-outs need from the tutorial catalog (Tutorials/): a tutorial's cells by its slug, so
/// `POST /api/admin/handouts {"tutorialSlug": …}` gives every student a copy just as with one of the
/// instructor's notebooks. The catalog implements and registers it; until then the API answers that
/// tutorials are not part of this build. Source keys are "tutorial:{slug}", so a student who opened
/// the tutorial themselves is not recognised as holding a hand-out copy (they get one more).
/// </summary>
public interface ITutorialHandOuts
{
    /// <summary>The tutorial as a hand-out source (<c>Key</c> "tutorial:{slug}"), or null when there is no such tutorial.</summary>
    HandOuts.Source? Find(string slug);
}
