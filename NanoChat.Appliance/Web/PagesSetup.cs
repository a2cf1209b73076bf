namespace NanoChat.Appliance.Web;

public static class PagesSetup
{
    public static IServiceCollection AddPages(this IServiceCollection services) =>
        services.AddSingleton<PageRenderer>().AddSingleton<LocalTimes>();

    /// <summary>Liveness for systemd, load balancers and tests: answers without touching user data.</summary>
    public static WebApplication MapHealth(this WebApplication app)
    {
        app.MapGet("/healthz", (Storage.Database database) =>
        {
            database.Read(connection => Storage.SqliteCommandExtensions.Scalar(connection, "SELECT 1"));
            return Results.Ok(new { status = "ok" });
        }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}
