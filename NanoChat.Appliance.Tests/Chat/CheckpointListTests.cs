using NanoChat.Appliance.Chat;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Chat;

/// <summary>Checkpoints are found in the caller's own workspace only, and never outside it.</summary>
public sealed class CheckpointListTests : IAsyncLifetime
{
    private ApplianceServer _server = null!;

    public async Task InitializeAsync() => _server = await ApplianceServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    private string Workspace(long userId)
    {
        var path = ChatApi.WorkspaceOf(_server.Options, userId);
        Directory.CreateDirectory(path);
        return path;
    }

    private static void WriteManifest(string workspace, string file, object manifest)
    {
        var folder = Path.Combine(workspace, CheckpointDiscovery.ManifestFolder);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, file), System.Text.Json.JsonSerializer.Serialize(manifest));
    }

    [Fact]
    public async Task Registered_and_nanochat_checkpoints_are_listed_for_their_owner_only()
    {
        using var owner = await _server.SignUpAsync("trainer");
        using var other = await _server.SignUpAsync("neighbour");
        var workspace = Workspace(owner.Id);
        Directory.CreateDirectory(Path.Combine(workspace, "checkpoints"));
        await File.WriteAllBytesAsync(Path.Combine(workspace, "checkpoints", "tiny-gpt.pt"), new byte[1234]);
        WriteManifest(workspace, "tiny-gpt.json", new { name = "tiny-gpt", kind = "tiny-gpt", path = "checkpoints/tiny-gpt.pt", step = 1500 });
        var sft = Path.Combine(workspace, ".cache", "nanochat", "chatsft_checkpoints", "d8");
        Directory.CreateDirectory(sft);
        await File.WriteAllBytesAsync(Path.Combine(sft, "model_000100.pt"), new byte[10]);
        await File.WriteAllBytesAsync(Path.Combine(sft, "model_000250.pt"), new byte[20]);

        var list = (await (await owner.Http.GetAsync("/api/checkpoints")).ReadJsonAsync()).AsArray();
        Assert.Equal(2, list.Count);
        var tiny = list.Single(item => (string?)item!["kind"] == "tiny-gpt")!;
        Assert.Equal("tiny-gpt", (string?)tiny["name"]);
        Assert.Equal(1500, (long)tiny["step"]!);
        Assert.Equal(1234, (long)tiny["sizeBytes"]!);
        Assert.Null(tiny["relativePath"]);
        var nanochat = list.Single(item => (string?)item!["kind"] == "nanochat-sft")!;
        Assert.Equal(250, (long)nanochat["step"]!);

        Assert.Empty((await (await other.Http.GetAsync("/api/checkpoints")).ReadJsonAsync()).AsArray());

        // A file that vanished disappears from the list; the other keeps its id.
        var sftId = (long)nanochat["id"]!;
        File.Delete(Path.Combine(workspace, "checkpoints", "tiny-gpt.pt"));
        var after = (await (await owner.Http.GetAsync("/api/checkpoints")).ReadJsonAsync()).AsArray();
        Assert.Equal([sftId], after.Select(item => (long)item!["id"]!));
    }

    [Fact]
    public async Task Manifests_pointing_outside_the_workspace_or_malformed_are_ignored()
    {
        using var student = await _server.SignUpAsync("sneaky");
        var workspace = Workspace(student.Id);
        WriteManifest(workspace, "db.json", new { name = "db", kind = "tiny-gpt", path = "../../appliance.db" });
        WriteManifest(workspace, "abs.json", new { name = "key", kind = "tiny-gpt", path = _server.Options.SigningKeyPath });
        WriteManifest(workspace, "kind.json", new { name = "odd", kind = "rm -rf", path = "x.pt" });
        File.WriteAllText(Path.Combine(workspace, CheckpointDiscovery.ManifestFolder, "broken.json"), "{ not json");
        File.CreateSymbolicLink(Path.Combine(workspace, "link.pt"), _server.Options.DatabasePath);
        WriteManifest(workspace, "link.json", new { name = "link", kind = "tiny-gpt", path = "link.pt" });

        var list = (await (await student.Http.GetAsync("/api/checkpoints")).ReadJsonAsync()).AsArray();
        Assert.Empty(list);
    }
}
