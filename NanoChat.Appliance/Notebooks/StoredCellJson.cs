using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace NanoChat.Appliance.Notebooks;

/// <summary>
/// How cells are read back from the database: leniently where rows written before saves were checked
/// may hold what the model cannot (outputs that are not a list, an execution count that is not a
/// number), so one bad field shows as a note instead of failing every page of that notebook. Saves
/// still go through <see cref="CellValidation"/>; the API's own binding stays strict.
/// </summary>
public static class StoredCellJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new LenientOutputs(), new LenientExecutionCount() },
    };

    /// <summary>Cells as stored, with outputs nbformat would refuse turned into notes.</summary>
    public static List<Cell> Deserialize(string json) => Repair(JsonSerializer.Deserialize<List<Cell>>(json, Options) ?? []);

    /// <summary>The same from UTF-8 bytes (as SQLite hands them over).</summary>
    public static List<Cell> Deserialize(ReadOnlySpan<byte> utf8Json) => Repair(JsonSerializer.Deserialize<List<Cell>>(utf8Json, Options) ?? []);

    private static List<Cell> Repair(List<Cell> cells)
    {
        for (var index = 0; index < cells.Count; index++)
        {
            if (cells[index].Outputs is { } outputs && OutputValidation.Repaired(outputs) is var repaired && !ReferenceEquals(repaired, outputs))
                cells[index] = cells[index] with { Outputs = repaired };
        }
        return cells;
    }

    // Anything but a list becomes a list of that one thing, which the repair then shows as a note.
    private sealed class LenientOutputs : JsonConverter<JsonArray>
    {
        public override JsonArray? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var node = JsonNode.Parse(ref reader);
            return node switch
            {
                null => null,
                JsonArray list => list,
                _ => [node],
            };
        }

        public override void Write(Utf8JsonWriter writer, JsonArray value, JsonSerializerOptions options) => value.WriteTo(writer, options);
    }

    private sealed class LenientExecutionCount : JsonConverter<int?>
    {
        public override bool HandleNull => true;

        public override int? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var count) && count >= 0)
                return count;
            reader.Skip();
            return null;
        }

        public override void Write(Utf8JsonWriter writer, int? value, JsonSerializerOptions options)
        {
            if (value is { } count)
                writer.WriteNumberValue(count);
            else
                writer.WriteNullValue();
        }
    }
}
