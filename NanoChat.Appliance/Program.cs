using NanoChat.Appliance.Accounts;
using NanoChat.Appliance.Admin;
using NanoChat.Appliance.Chat;
using NanoChat.Appliance.CourseData;
using NanoChat.Appliance.Doctor;
using NanoChat.Appliance.Hosting;
using NanoChat.Appliance.Ipynb;
using NanoChat.Appliance.Kernels;
using NanoChat.Appliance.Notebooks;
using NanoChat.Appliance.Projects;
using NanoChat.Appliance.Storage;
using NanoChat.Appliance.Tutorials;
using NanoChat.Appliance.Web;
using NanoChat.Appliance.Workspaces;

// One binary: `serve` (the web process), `kernel` (a student's worker), `user add`, `backup`, `restore`, `install-service`.
return await CommandLine.RunAsync(args);

/// <summary>The web process, read as a table of contents: each line adds or maps one feature.</summary>
public partial class Program
{
    public static WebApplication BuildWebApp(ApplianceOptions options, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.UseApplianceHosting(options);          // Kestrel on --urls, body limits, systemd, logging
        builder.Services.AddStorage(options);          // the SQLite file under DATA, migrated at start
        builder.Services.AddApiJson();                 // camelCase, unknown fields rejected
        builder.Services.AddErrorHandling();           // problem details, no stack traces
        builder.Services.AddAntiforgeryGuard(options); // CSRF tokens for cookie-authenticated requests
        builder.Services.AddAccounts(options);         // passwords, throttle, JWT from cookie or header
        builder.Services.AddPages();                   // Scriban templates rendered from the binary
        builder.Services.AddProjects();                // projects of a user
        builder.Services.AddNotebooks(options);        // notebooks, revisions, optimistic saves
        builder.Services.AddIpynb();                   // .ipynb import and export (nbformat 4, v3 converted)
        builder.Services.AddTutorials();               // the tutorial catalog: built-in and uploaded notebooks, per-user copies
        builder.Services.AddKernels(options);          // one sandboxed Python worker per user, execution logs
        builder.Services.AddWorkspaces();              // students' folders: owner, quota, disk reserve
        builder.Services.AddCourseData(options);       // course data staged once, shown read-only in every kernel
        builder.Services.AddChat();                    // checkpoints of a user, chat through their kernel
        builder.Services.AddAdmin(options);            // instructor console: accounts, hand-outs, health, backups, events
        builder.Services.AddOpenApi();                 // /openapi/v1.json
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseSecurityHeaders();                      // CSP and friends on every response, errors too
        app.UseMemoryGiveBack();                       // after a large save, memory goes back to the box
        app.UseErrorHandling();
        app.UseEmbeddedStaticAssets();                 // /assets from the embedded wwwroot bundle
        app.UseAuthentication();
        app.UseAntiforgeryGuard();
        app.UseAuthorization();

        app.MapHealth();                               // GET /healthz
        app.MapOpenApi();                              // GET /openapi/v1.json
        app.MapAccounts();                             // /api/auth/*, /api/me, /login, /register, /logout
        app.MapProjects();                             // /api/projects, / and /projects/{id}
        app.MapNotebooks();                            // /api/notebooks, /notebooks/{id}
        app.MapIpynb();                                // POST /api/projects/{id}/ipynb, GET /api/notebooks/{id}/ipynb
        app.MapTutorials();                            // /api/tutorials, /tutorials
        app.MapKernels();                              // /api/execute/stream, /api/executions, /api/kernel
        app.MapWorkspaces();                           // GET /api/admin/storage
        app.MapCourseData();                           // /api/admin/course-data, /admin/course-data
        app.MapDoctor();                               // /admin/doctor, /api/admin/doctor: is the box ready for a class
        app.MapChat();                                 // /api/checkpoints, /api/chat, /chat
        app.MapAdmin();                                // /api/admin/*, /admin/* (instructors only)
        return app;
    }
}
