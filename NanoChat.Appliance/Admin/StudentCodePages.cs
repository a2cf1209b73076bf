using NanoChat.Appliance.Accounts;
using NanoChat.Appliance.Kernels;
using NanoChat.Appliance.Kernels.Network;
using NanoChat.Appliance.Web;
using NanoChat.Appliance.Workspaces;

namespace NanoChat.Appliance.Admin;

/// <summary>
/// The console's "Students' code" panel: whose rights kernels have, whether they may download from
/// the internet (with the switch), and how much disk each workspace may use and uses now. Loaded
/// once with the console page (measuring every workspace is not a thing to poll).
/// </summary>
public static class StudentCodePages
{
    private const int LargestShown = 5;

    public static RouteGroupBuilder MapStudentCodePages(this RouteGroupBuilder pages)
    {
        pages.MapGet("/student-code", (HttpContext http, PageRenderer renderer, SandboxStatus sandbox, KernelNetworkSettings network,
            UserStore users, WorkspaceFolders folders, WorkspaceQuota quota) =>
            renderer.Fragment(http, "admin/_student_code.html", Model(sandbox, network, users, folders, quota)));

        pages.MapPost("/student-code/network", async (HttpContext http, PageRenderer renderer, SandboxStatus sandbox, KernelNetworkSettings network,
            UserStore users, WorkspaceFolders folders, WorkspaceQuota quota, EventLog events) =>
        {
            var form = await http.Request.ReadFormAsync();
            network.InternetAllowed = form["internet"] == "true";
            events.InstructorAction(SignIn.Current(http)!.Username, null, network.InternetAllowed ? "allowed kernels to download from the internet" : "took kernels off the internet");
            return renderer.Fragment(http, "admin/_student_code.html", Model(sandbox, network, users, folders, quota));
        });
        pages.MapPost("/student-code/quota", async (HttpContext http, PageRenderer renderer, SandboxStatus sandbox, KernelNetworkSettings network,
            UserStore users, WorkspaceFolders folders, WorkspaceQuota quota, EventLog events) =>
        {
            var form = await http.Request.ReadFormAsync();
            string? problem = null;
            if (!double.TryParse(form["quotaGb"], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var gib) || gib < 0 || gib > 1_000_000)
                problem = "The quota is a number of GiB (0 for the default sized from the disk).";
            else if (quota.Check((long)(gib * Gibibyte)) is { } refused)
                problem = refused;
            else
            {
                quota.ChosenBytes = gib == 0 ? null : (long)(gib * Gibibyte);
                events.InstructorAction(SignIn.Current(http)!.Username, null, $"set the workspace quota to {(gib == 0 ? "the default" : ConsoleFormatting.Bytes((long)(gib * Gibibyte)))}");
            }
            return renderer.Fragment(http, "admin/_student_code.html", Model(sandbox, network, users, folders, quota, problem));
        });
        return pages;
    }

    private const double Gibibyte = 1024.0 * 1024 * 1024;

    private static object Model(SandboxStatus sandbox, KernelNetworkSettings network, UserStore users, WorkspaceFolders folders, WorkspaceQuota quota, string? problem = null)
    {
        var internet = network.InternetAllowed;
        var usage = users.All().Select(user => (user.Username, Used: DiskUsage.Measure(folders.PathOf(user.Id)))).OrderByDescending(row => row.Used).ToList();
        return new
        {
            Account = sandbox.UserDetail,
            OwnAccount = sandbox.User is not null,
            Internet = internet,
            Network = KernelNetworkApi.View(internet).Detail,
            Quota = ConsoleFormatting.Bytes(quota.QuotaBytes),
            QuotaGb = (quota.QuotaBytes / Gibibyte).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture),
            QuotaChosen = quota.ChosenBytes is not null,
            Problem = problem,
            Reserve = ConsoleFormatting.Bytes(quota.ReserveBytes),
            Free = ConsoleFormatting.Bytes(quota.FreeBytes),
            Largest = usage.Take(LargestShown).Select(row => new
            {
                row.Username,
                Used = ConsoleFormatting.Bytes(row.Used),
                Over = row.Used > quota.QuotaBytes,
            }).ToList(),
        };
    }
}
