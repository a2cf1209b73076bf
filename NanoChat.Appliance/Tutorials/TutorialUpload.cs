using System.Text;
using NanoChat.Appliance.Ipynb;
using NanoChat.Appliance.Projects;

namespace NanoChat.Appliance.Tutorials;

/// <summary>
/// Turns an instructor's uploaded .ipynb and the catalog fields they typed (title, summary, level,
/// requiresGpu, optional slug; each falls back to the notebook's <c>metadata.nanochat.tutorial</c>)
/// into a tutorial, or one sentence saying what is wrong. The slug is derived from the title and
/// restricted to letters, digits and dashes: the uploaded file name is never used as a path.
/// </summary>
public static class TutorialUpload
{
    public static (Tutorial? Tutorial, string? Error) Build(IpynbUpload.Upload upload, Func<string, string?> field)
    {
        var (notebook, error) = IpynbReader.Read(upload.Bytes);
        if (notebook is null)
            return (null, error);
        var fromFile = TutorialMetadata.Read(notebook.Metadata);
        var (title, titleError) = DisplayNames.Check(Blank(field("title")) ?? fromFile.Title ?? upload.FileName, "tutorial");
        if (title is null)
            return (null, titleError);
        var summary = Blank(field("summary")) ?? fromFile.Summary ?? "";
        if (summary.Length > 1000 || summary.Any(ch => char.IsControl(ch) && ch != '\n'))
            return (null, "A tutorial summary has at most 1,000 characters and no control characters.");
        var level = Blank(field("level"))?.ToLowerInvariant() ?? fromFile.Level ?? "beginner";
        if (!Tutorial.Levels.Contains(level))
            return (null, $"The level '{level}' is not one of {string.Join(", ", Tutorial.Levels)}.");
        bool requiresGpu;
        if (Blank(field("requiresGpu")) is { } gpuText)
        {
            if (gpuText is "on" or "1")
                gpuText = "true";
            if (!bool.TryParse(gpuText, out requiresGpu))
                return (null, "'requiresGpu' must be true or false.");
        }
        else
        {
            requiresGpu = fromFile.RequiresGpu ?? false;
        }
        var slug = Blank(field("slug")) ?? TutorialMetadata.Slugify(title);
        if (!TutorialMetadata.IsSlug(slug))
            return (null, $"The slug '{slug}' must be 1–60 lowercase letters, digits and dashes (give the tutorial a title with letters or digits).");
        var content = Encoding.UTF8.GetString(upload.Bytes);
        return (new Tutorial(slug, title, summary, level, requiresGpu, notebook.Cells.Count, Tutorial.VersionOf(content), Tutorial.Uploaded, content), null);
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
