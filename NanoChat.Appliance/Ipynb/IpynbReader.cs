using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NanoChat.Appliance.Notebooks;

namespace NanoChat.Appliance.Ipynb;

/// <summary>A notebook read from an .ipynb file: our cells, the notebook metadata, and its title if it had one.</summary>
public sealed record ImportedNotebook(List<Cell> Cells, JsonObject Metadata, int SourceMajorVersion, string? Title);

/// <summary>
/// Reads .ipynb files (nbformat 4.x of any minor; nbformat 3 converted first) into our cell shape,
/// checking every field it keeps. Pure: bytes in, a notebook or one sentence naming what is wrong
/// out; nothing is written, so a refused file creates nothing.
/// </summary>
public static partial class IpynbReader
{
    /// <summary>Largest .ipynb accepted (bytes); notebooks with a few figures are well below.</summary>
    public const int MaxBytes = 16 * 1024 * 1024;

    /// <summary>Deepest JSON nesting accepted; real notebooks stay below 20 levels.</summary>
    public const int MaxDepth = 64;

    public static (ImportedNotebook? Notebook, string? Error) Read(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxBytes)
            return (null, $"The notebook is larger than {MaxBytes / (1024 * 1024)} MiB.");
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(utf8, documentOptions: new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException error) when (error.Message.Contains("maximum configured depth", StringComparison.OrdinalIgnoreCase))
        {
            return (null, $"The file is nested more than {MaxDepth} levels deep, which no notebook needs.");
        }
        catch (JsonException error)
        {
            return (null, $"The file is not valid JSON (line {error.LineNumber + 1}, byte {error.BytePositionInLine + 1}), so it is not an .ipynb notebook.");
        }
        try
        {
            return (ReadNotebook(root), null);
        }
        catch (IpynbFormatException error)
        {
            return (null, error.Message);
        }
    }

    private static ImportedNotebook ReadNotebook(JsonNode? root)
    {
        if (root is not JsonObject notebook)
            throw new IpynbFormatException($"This is not a notebook: the file holds {IpynbJson.Describe(root)}, not an object with 'cells' and 'nbformat'.");
        if (!notebook.ContainsKey("nbformat"))
            throw new IpynbFormatException("This is not a notebook: it has no 'nbformat' version field.");
        if (notebook["nbformat"] is not JsonValue version || !version.TryGetValue<int>(out var major))
            throw new IpynbFormatException($"'nbformat' must be a whole number, not {IpynbJson.Describe(notebook["nbformat"])}.");
        if (major == 3)
            notebook = Nbformat3.Upgrade(notebook);
        else if (major != 4)
            throw new IpynbFormatException($"nbformat {major} is not supported; open the file in Jupyter and save it again (it writes nbformat 4).");
        if (notebook["nbformat_minor"] is { } minor && (minor is not JsonValue minorValue || !minorValue.TryGetValue<int>(out _)))
            throw new IpynbFormatException($"'nbformat_minor' must be a whole number, not {IpynbJson.Describe(minor)}.");

        var metadata = IpynbJson.OptionalObject(notebook, "metadata", "notebook");
        var cellNodes = IpynbJson.RequiredArray(notebook, "cells", "notebook");
        if (cellNodes.Count > CellValidation.MaxCells)
            throw new IpynbFormatException($"The notebook has {cellNodes.Count} cells; at most {CellValidation.MaxCells} are accepted.");
        var seenIds = new HashSet<string>(StringComparer.Ordinal);
        var cells = new List<Cell>(cellNodes.Count);
        for (var index = 0; index < cellNodes.Count; index++)
            cells.Add(ReadCell(cellNodes[index], $"cells[{index}]", seenIds));

        var (checkedCells, error) = CellValidation.Check(cells);
        if (checkedCells is null)
            throw new IpynbFormatException(error!);
        var title = metadata["title"] is JsonValue titleValue && titleValue.TryGetValue<string>(out var text) ? text : null;
        return new ImportedNotebook(checkedCells, metadata, major, title);
    }

    private static Cell ReadCell(JsonNode? node, string path, HashSet<string> seenIds)
    {
        if (node is not JsonObject cell)
            throw new IpynbFormatException($"{path} must be an object, not {IpynbJson.Describe(node)}.");
        var type = IpynbJson.RequiredString(cell, "cell_type", path);
        if (!Cell.Types.Contains(type))
            throw new IpynbFormatException($"{path}.cell_type is '{type}'; nbformat 4 cells are code, markdown or raw.");
        if (!cell.ContainsKey("source"))
            throw new IpynbFormatException($"{path} has no 'source'.");
        var source = IpynbJson.MultilineText(cell["source"], $"{path}.source");
        var metadata = IpynbJson.OptionalObject(cell, "metadata", path);
        var id = ReadId(cell, path, seenIds);
        if (type == "code")
        {
            var outputs = cell["outputs"] is null && !cell.ContainsKey("outputs") ? [] : IpynbJson.RequiredArray(cell, "outputs", path);
            return new Cell(id, type, source, IpynbOutputs.ReadAll(outputs, $"{path}.outputs"), IpynbJson.ExecutionCount(cell, "execution_count", path), metadata);
        }
        JsonObject? attachments = null;
        if (cell["attachments"] is { } attachmentNode)
        {
            if (attachmentNode is not JsonObject given)
                throw new IpynbFormatException($"{path}.attachments must be an object, not {IpynbJson.Describe(attachmentNode)}.");
            attachments = [];
            foreach (var (fileName, bundle) in given)
                attachments[fileName] = IpynbOutputs.MimeBundle(bundle, $"{path}.attachments[\"{fileName}\"]");
        }
        return new Cell(id, type, source, null, null, metadata, attachments);
    }

    /// <summary>
    /// Keeps a valid nbformat 4.5 id; a missing, malformed or repeated one is replaced (as Jupyter's
    /// own validator repairs it) rather than refusing an otherwise good notebook.
    /// </summary>
    private static string ReadId(JsonObject cell, string path, HashSet<string> seenIds)
    {
        string? id = null;
        if (cell["id"] is { } node)
        {
            if (node is not JsonValue value || !value.TryGetValue<string>(out id))
                throw new IpynbFormatException($"{path}.id must be a string, not {IpynbJson.Describe(node)}.");
        }
        if (id is null || !IsValidCellId(id) || seenIds.Contains(id))
        {
            do
                id = CellValidation.NewId();
            while (seenIds.Contains(id));
        }
        seenIds.Add(id);
        return id;
    }

    /// <summary>nbformat 4.5: 1–64 characters of letters, digits, '-' and '_'.</summary>
    public static bool IsValidCellId(string id) => CellIdPattern().IsMatch(id);

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$")]
    private static partial Regex CellIdPattern();
}
