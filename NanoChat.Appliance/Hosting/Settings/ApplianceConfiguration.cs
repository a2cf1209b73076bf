using System.Collections;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Configuration.Memory;

namespace NanoChat.Appliance.Hosting.Settings;

/// <summary>
/// The settings, read the ASP.NET way: configuration sources in layers, a later one winning over an
/// earlier one: the code's defaults, appsettings.json beside the binary, appsettings.json in the data
/// folder, the NANOCHAT_* environment, the command line. Every bad value is told, one sentence each,
/// naming where it came from; nothing starts with a setting half read.
/// </summary>
public static class ApplianceConfiguration
{
    public const string FileName = "appsettings.json";

    /// <summary>ASP.NET's own sections may share the file beside the binary: its web host reads that file too.</summary>
    private static readonly string[] HostSections = ["Logging", "Kestrel", "AllowedHosts"];

    /// <summary>Applies the layers onto <paramref name="options"/>; throws <see cref="CommandLineException"/> listing every problem.</summary>
    public static ApplianceOptions Load(ApplianceOptions options, IReadOnlyDictionary<string, string> flags, IDictionary environment, string binaryFolder)
    {
        var problems = new List<string>();
        var besideBinary = Path.Combine(binaryFolder, FileName);
        var fromEnvironment = EnvironmentLayer(environment);
        var firstPass = Build([Json(besideBinary), Memory(fromEnvironment.Values), Memory(flags)], problems);
        var dataFolder = Path.GetFullPath(firstPass?["data"] ?? options.DataDirectory);
        var inDataFolder = Path.Combine(dataFolder, FileName);

        var layers = new List<(IConfigurationSource Source, Func<Setting, string> Where)>
        {
            (Json(besideBinary), setting => $"'{setting.Name}' in {besideBinary}"),
            (Json(inDataFolder), setting => $"'{setting.Name}' in {inDataFolder}"),
            (Memory(fromEnvironment.Values), setting => fromEnvironment.Names[setting.Name]),
            (Memory(flags), setting => $"--{setting.Name}"),
        };
        var root = Build(layers.Select(layer => layer.Source), problems);
        if (root is not null)
        {
            CheckKeys(root.Providers.ElementAt(0), besideBinary, allowHostSections: true, problems);
            CheckKeys(root.Providers.ElementAt(1), inDataFolder, allowHostSections: false, problems);
            if (root.Providers.ElementAt(1).TryGet("data", out _))
                problems.Add($"'data' in {inDataFolder} cannot move the data folder from inside it; give --data or NANOCHAT_DATA instead.");
            var providers = root.Providers.ToList();
            foreach (var setting in SettingsCatalog.All)
            {
                // The winning layer is the last one that has the key: the same rule the configuration root applies.
                for (var i = providers.Count - 1; i >= 0; i--)
                {
                    if (!providers[i].TryGet(setting.Name, out var value) || value is null)
                        continue;
                    if (setting.Apply(options, value) is { } problem)
                        problems.Add($"{layers[i].Where(setting)} = '{value}' {problem}.");
                    break;
                }
            }
        }
        if (problems.Count > 0)
            throw new CommandLineException(string.Join(Environment.NewLine, problems));
        return options;
    }

    /// <summary>The environment's NANOCHAT_* variables under the settings' names, and which variable gave each.</summary>
    private static (Dictionary<string, string> Values, Dictionary<string, string> Names) EnvironmentLayer(IDictionary environment)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var setting in SettingsCatalog.All)
        {
            foreach (var name in new[] { setting.EnvironmentAlias, setting.EnvironmentName }.OfType<string>())
            {
                if (environment[name] is string value)
                {
                    values[setting.Name] = value;
                    names[setting.Name] = name;
                }
            }
        }
        return (values, names);
    }

    /// <summary>An optional file; a folder that does not exist yet (a fresh data folder) is an empty layer.</summary>
    private static IConfigurationSource Json(string path) =>
        Path.GetDirectoryName(path) is { } folder && Directory.Exists(folder)
            ? new JsonConfigurationSource
            {
                Path = Path.GetFileName(path),
                Optional = true,
                ReloadOnChange = false,
                FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(folder),
            }
            : Memory([]);

    private static MemoryConfigurationSource Memory(IEnumerable<KeyValuePair<string, string>> values) =>
        new() { InitialData = values.Select(pair => new KeyValuePair<string, string?>(pair.Key, pair.Value)) };

    private static IConfigurationRoot? Build(IEnumerable<IConfigurationSource> sources, List<string> problems)
    {
        var builder = new ConfigurationBuilder();
        foreach (var source in sources)
            builder.Add(source);
        try
        {
            return builder.Build();
        }
        catch (Exception error) when (error is InvalidDataException or FormatException or IOException or UnauthorizedAccessException)
        {
            // The JSON provider names the file and the line in its message (or in the inner exception's).
            var detail = error.InnerException is { } inner ? $"{error.Message} {inner.Message}" : error.Message;
            if (!problems.Contains(detail))
                problems.Add(detail);
            return null;
        }
    }

    private static void CheckKeys(IConfigurationProvider provider, string path, bool allowHostSections, List<string> problems)
    {
        foreach (var key in provider.GetChildKeys([], null).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (SettingsCatalog.Find(key) is not null || (allowHostSections && HostSections.Contains(key, StringComparer.OrdinalIgnoreCase)))
                continue;
            problems.Add($"'{key}' in {path} is not a setting; 'NanoChat.Appliance help' lists them.");
        }
    }
}
