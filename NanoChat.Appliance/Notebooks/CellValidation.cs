using System.Text.Json.Nodes;

namespace NanoChat.Appliance.Notebooks;

/// <summary>
/// Checks cells before anything is written, so a bad save changes nothing: known types, unique
/// non-empty ids, bounded counts and sizes, outputs that nbformat's output schema accepts. Missing
/// ids are filled in (scripts may omit them).
/// </summary>
public static class CellValidation
{
    public const int MaxCells = 2_000;
    public const int MaxIdLength = 64;
    public const int MaxSourceChars = 1_000_000;

    public static (List<Cell>? Cells, string? Error) Check(IReadOnlyList<Cell?>? cells)
    {
        if (cells is null)
            return (null, "'cells' must be a list of cells.");
        if (cells.Count > MaxCells)
            return (null, $"A notebook has at most {MaxCells} cells.");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<Cell>(cells.Count);
        for (var index = 0; index < cells.Count; index++)
        {
            var cell = cells[index];
            if (cell is null)
                return (null, $"Cell {index} is empty.");
            if (!Cell.Types.Contains(cell.Type))
                return (null, $"Cell {index} has type '{cell.Type}'; use code, markdown or raw.");
            if (cell.Source is null)
                return (null, $"Cell {index} has no source.");
            if (cell.Source.Length > MaxSourceChars)
                return (null, $"Cell {index} is longer than {MaxSourceChars:N0} characters.");
            var id = string.IsNullOrWhiteSpace(cell.Id) ? NewId() : cell.Id;
            if (id.Length > MaxIdLength)
                return (null, $"Cell {index} has an id longer than {MaxIdLength} characters.");
            if (!seen.Add(id))
                return (null, $"Cell {index} repeats the id '{id}'.");
            if (cell.Type == "code" && OutputProblem(cell.Outputs) is { } output)
                return (null, $"Cell {index}, output {output.Index}: the output {output.Problem}");
            result.Add(cell with
            {
                Id = id,
                Outputs = cell.Type == "code" ? cell.Outputs ?? [] : null,
                ExecutionCount = cell.Type == "code" ? cell.ExecutionCount : null,
            });
        }
        return (result, null);
    }

    private static (int Index, string Problem)? OutputProblem(JsonArray? outputs)
    {
        for (var index = 0; index < (outputs?.Count ?? 0); index++)
        {
            if (OutputValidation.Problem(outputs![index]) is { } problem)
                return (index, problem);
        }
        return null;
    }

    public static string NewId() => Guid.NewGuid().ToString("N")[..12];
}
