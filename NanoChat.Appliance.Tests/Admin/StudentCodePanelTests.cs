using System.Net;
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
        var api = await (await teacher.Http.GetAsync("/api/admin/kernel-network")).ReadJsonAsync();
        Assert.True((bool)api["internet"]!);

        Assert.Equal(HttpStatusCode.NotFound, (await student.Http.GetAsync("/admin/student-code")).StatusCode);
        using var attempt = new FormUrlEncodedContent(new Dictionary<string, string> { ["internet"] = "false" });
        Assert.Equal(HttpStatusCode.NotFound, (await student.Http.PostAsync("/admin/student-code/network", attempt)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await student.Http.GetAsync("/api/admin/storage")).StatusCode);
    }
}
