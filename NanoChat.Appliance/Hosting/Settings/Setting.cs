using System.Globalization;

namespace NanoChat.Appliance.Hosting.Settings;

/// <summary>
/// One appliance-wide setting under one name everywhere: the flag `--NAME`, the environment variable
/// NANOCHAT_NAME (upper case, `_` for `-`) and the key `NAME` of appsettings.json. <see cref="Apply"/>
/// turns the text into the option and answers a problem (what is wrong, what to give) or null.
/// </summary>
public sealed record Setting(string Name, string HelpName, string Help, Func<ApplianceOptions, string, string?> Apply)
{
    /// <summary>Only where an older name is documented (NANOCHAT_DIR for --nanochat).</summary>
    public string? EnvironmentAlias { get; init; }

    public string EnvironmentName => "NANOCHAT_" + Name.Replace('-', '_').ToUpperInvariant();

    public static Setting Text(string name, string helpName, string help, Action<ApplianceOptions, string> set) =>
        new(name, helpName, help, (options, text) =>
        {
            set(options, text);
            return null;
        });

    public static Setting WholeNumber(string name, string help, Action<ApplianceOptions, int> set) =>
        new(name, "N", help, (options, text) =>
        {
            if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
                return "is not a whole number";
            set(options, value);
            return null;
        });

    public static Setting Number(string name, string helpName, string help, Action<ApplianceOptions, double> set) =>
        new(name, helpName, help, (options, text) =>
        {
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
                return "is not a number";
            set(options, value);
            return null;
        });
}
