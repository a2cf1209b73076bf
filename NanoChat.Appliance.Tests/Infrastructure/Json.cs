using System.Text.Json;
using System.Text.Json.Nodes;

namespace NanoChat.Appliance.Tests.Infrastructure;

/// <summary>Reads answers as JSON trees, so tests check the wire shape rather than our C# types.</summary>
public static class Json
{
    public static async Task<JsonNode> ReadJsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(text) ?? throw new JsonException($"Empty JSON answer ({(int)response.StatusCode}).");
    }

    public static HttpContent Body(string json) => new StringContent(json, System.Text.Encoding.UTF8, "application/json");
}
