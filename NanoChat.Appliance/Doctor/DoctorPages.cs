using NanoChat.Appliance.Hosting;
using NanoChat.Appliance.Kernels;
using NanoChat.Appliance.Web;

namespace NanoChat.Appliance.Doctor;

/// <summary>The console's Doctor panel: the same checks as `NanoChat.Appliance doctor`, run when the instructor asks (they start a few processes).</summary>
public static class DoctorPages
{
    public static WebApplication MapDoctor(this WebApplication app)
    {
        app.MapGet("/admin/doctor", async (HttpContext http, PageRenderer renderer, ApplianceOptions options, SandboxStatus sandbox) =>
        {
            var checks = await Task.Run(() => BoxDoctor.Run(options, sandbox));
            return renderer.Fragment(http, "admin/_doctor.html", new { Checks = checks.Select(check => new { check.Status, check.Text }).ToList() });
        }).RequireAuthorization(Accounts.AccountsSetup.InstructorPolicy).ExcludeFromDescription();
        app.MapGet("/api/admin/doctor", async (ApplianceOptions options, SandboxStatus sandbox) =>
            (await Task.Run(() => BoxDoctor.Run(options, sandbox))).Select(check => new { check.Status, check.Text, check.Essential }).ToList())
            .RequireAuthorization(Accounts.AccountsSetup.InstructorPolicy).WithTags("Admin");
        return app;
    }
}
