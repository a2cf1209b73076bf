using System.Globalization;
using Microsoft.Data.Sqlite;

namespace NanoChat.Appliance.Storage;

/// <summary>
/// One schema step: its version (1, 2, 3 … without gaps) and its SQL. Each feature that owns tables
/// adds its steps as small classes in Storage/Schema; never edit a step that has shipped.
/// </summary>
public interface ISchemaMigration
{
    int Version { get; }
    string Sql { get; }
}

/// <summary>
/// Applies the steps above <c>PRAGMA user_version</c> in order, each in its own IMMEDIATE
/// transaction together with the version bump, so a crash leaves the file at a whole version.
/// </summary>
public static class Migrations
{
    public static IReadOnlyList<ISchemaMigration> All { get; } = Discover();

    public static int LatestVersion => All.Count;

    public static void Apply(SqliteConnection connection)
    {
        var current = Convert.ToInt32(connection.Scalar("PRAGMA user_version;"), CultureInfo.InvariantCulture);
        if (current > All.Count)
            throw new InvalidOperationException(
                $"The database has schema version {current}, newer than this appliance knows ({All.Count}); run a newer appliance or restore a backup.");
        foreach (var step in All.Where(step => step.Version > current))
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            connection.Execute(step.Sql, transaction);
            // PRAGMA takes no parameters; the version is an int from our own code.
            connection.Execute(string.Create(CultureInfo.InvariantCulture, $"PRAGMA user_version = {step.Version};"), transaction);
            transaction.Commit();
        }
    }

    private static List<ISchemaMigration> Discover()
    {
        var steps = typeof(Migrations).Assembly.GetTypes()
            .Where(type => typeof(ISchemaMigration).IsAssignableFrom(type) && type is { IsClass: true, IsAbstract: false })
            .Select(type => (ISchemaMigration)Activator.CreateInstance(type)!)
            .OrderBy(step => step.Version)
            .ToList();
        for (var index = 0; index < steps.Count; index++)
        {
            if (steps[index].Version != index + 1)
                throw new InvalidOperationException($"Schema steps must be numbered 1, 2, 3 … without gaps; found {steps[index].Version} at position {index + 1}.");
        }
        return steps;
    }
}
