using System.Net;
using System.Net.Http.Json;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Admin;

/// <summary>The console says whose rights kernels have, whether they may download, and the workspace quota; the switch persists.</summary>
public sealed class StudentCodePanelTests
{
    [Fact]
    public async Task The_panel_shows_the_kernel_account_the_network_and_the_quota_and_switches_downloads()
    {
        await using var server = await ApplianceServer.StartAsync(configure: options => options.Kernels.WorkspaceQuotaBytes = 3L << 30);
        using var teacher = await server.SignUpAsync("teacher");
        using var student = await server.SignUpAsync("amy");

        var panel = await (await teacher.Http.GetAsync("/admin/student-code")).Content.ReadAsStringAsync();
        Assert.Contains(Environment.IsPrivilegedProcess ? "Student code runs as the unprivileged account nanochat-kernel" : "Student code runs as the appliance's own account", panel, StringComparison.Ordinal);
        Assert.Contains("Kernels have no network", panel, StringComparison.Ordinal);
        Assert.Contains("Each may hold 3 GiB", panel, StringComparison.Ordinal);
        Assert.Contains("Allow downloads", panel, StringComparison.Ordinal);

        using var allow = new FormUrlEncodedContent(new Dictionary<string, string> { ["internet"] = "true" });
        var switched = await (await teacher.Http.PostAsync("/admin/student-code/network", allow)).Content.ReadAsStringAsync();
        Assert.Contains("Kernels may download over http and https", switched, StringComparison.Ordinal);
        Assert.Contains("Turn downloads off", switched, StringComparison.Ordinal);
        var network = await (await teacher.Http.GetAsync("/api/admin/kernel-network")).ReadJsonAsync();
        Assert.True((bool)network["internet"]!);

        using var quota = new FormUrlEncodedContent(new Dictionary<string, string> { ["quotaGb"] = "1.5" });
        var set = await (await teacher.Http.PostAsync("/admin/student-code/quota", quota)).Content.ReadAsStringAsync();
        Assert.Contains("Each may hold 1.5 GiB;", set, StringComparison.Ordinal);
        var storage = (await (await teacher.Http.GetAsync("/api/admin/storage")).ReadJsonAsync()).AsArray();
        Assert.All(storage, row => Assert.Equal(1536L * 1024 * 1024, (long)row!["quotaBytes"]!));
        using var tiny = new FormUrlEncodedContent(new Dictionary<string, string> { ["quotaGb"] = "0.01" });
        Assert.Contains("A workspace quota is at least 64 MiB", await (await teacher.Http.PostAsync("/admin/student-code/quota", tiny)).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var api = await teacher.Http.PutAsJsonAsync("/api/admin/storage/quota", new { quotaBytes = 0 });
        Assert.Equal(3L << 30, (long)(await api.ReadJsonAsync())["quotaBytes"]!); // back to the configured one

        Assert.Equal(HttpStatusCode.NotFound, (await student.Http.GetAsync("/admin/student-code")).StatusCode);
        using var attempt = new FormUrlEncodedContent(new Dictionary<string, string> { ["internet"] = "false" });
        Assert.Equal(HttpStatusCode.NotFound, (await student.Http.PostAsync("/admin/student-code/network", attempt)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await student.Http.GetAsync("/api/admin/storage")).StatusCode);
    }
}
