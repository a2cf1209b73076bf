using NanoChat.Appliance.Hosting;

namespace NanoChat.Appliance.Storage;

public static class StorageSetup
{
    /// <summary>Opens (creating and migrating) the database file under the data folder.</summary>
    public static IServiceCollection AddStorage(this IServiceCollection services, ApplianceOptions options)
    {
        var database = new Database(options.DatabasePath);
        database.Initialize();
        services.AddSingleton(database);
        return services;
    }
}
