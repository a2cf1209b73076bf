using System.Collections;
using System.CommandLine;
using NanoChat.Appliance.Hosting.Settings;

namespace NanoChat.Appliance.Hosting;

/// <summary>
/// One sub-command's words and flags, parsed by System.CommandLine. The appliance-wide settings it
/// accepts (<see cref="SettingsCatalog"/>) are plain text here and read, with the environment and
/// appsettings.json, by <see cref="ApplianceConfiguration"/>, so a flag and its variable behave alike.
/// </summary>
public sealed class CommandShape
{
    private readonly Command _command;
    private readonly List<(Setting Setting, Option<string> Option)> _settings = [];

    public CommandShape(string name, string description, params string[] settings)
    {
        _command = new Command(name, description);
        foreach (var setting in SettingsCatalog.Named(settings))
        {
            var option = new Option<string>("--" + setting.Name) { HelpName = setting.HelpName, Description = setting.Help };
            _command.Options.Add(option);
            _settings.Add((setting, option));
        }
    }

    public Option<T> Option<T>(string name, string description)
    {
        var option = new Option<T>("--" + name) { Description = description };
        _command.Options.Add(option);
        return option;
    }

    public Argument<T> Argument<T>(string name, string description, ArgumentArity? arity = null)
    {
        var argument = new Argument<T>(name) { Description = description };
        if (arity is { } given)
            argument.Arity = given;
        _command.Arguments.Add(argument);
        return argument;
    }

    /// <summary>Parses, or throws <see cref="CommandLineException"/> with System.CommandLine's first complaint.</summary>
    public ParsedCommand Parse(IReadOnlyList<string> args)
    {
        // An unknown `--flag` in a word's place would be taken as the word; it is a typo, say so.
        var known = _command.Options.Select(option => option.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var arg in args.TakeWhile(arg => arg != "--"))
        {
            if (arg.StartsWith("--", StringComparison.Ordinal) && !known.Contains(arg.Split('=', 2)[0]))
                throw new CommandLineException($"Unknown option '{arg.Split('=', 2)[0]}' for '{_command.Name}'.");
        }
        var result = _command.Parse(args);
        if (result.Errors.Count > 0)
            throw new CommandLineException(result.Errors[0].Message);
        return new ParsedCommand(result, _settings);
    }
}

/// <summary>The values of one parsed command line.</summary>
public sealed class ParsedCommand
{
    private readonly ParseResult _result;
    private readonly List<(Setting Setting, Option<string> Option)> _settings;

    internal ParsedCommand(ParseResult result, List<(Setting Setting, Option<string> Option)> settings)
    {
        _result = result;
        _settings = settings;
    }

    public T? Value<T>(Option<T> option) => _result.GetValue(option);

    public T? Value<T>(Argument<T> argument) => _result.GetValue(argument);

    public bool Given(Option option) => _result.GetResult(option) is not null;

    /// <summary>The settings given as flags, by name (the configuration's command-line layer).</summary>
    public Dictionary<string, string> SettingFlags() =>
        _settings.Where(pair => Given(pair.Option) && _result.GetValue(pair.Option) is not null)
            .ToDictionary(pair => pair.Setting.Name, pair => _result.GetValue(pair.Option)!, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The options from the code's defaults (<paramref name="defaults"/>), appsettings.json, the
    /// NANOCHAT_* environment and these flags; throws <see cref="CommandLineException"/> on a bad value.
    /// </summary>
    public ApplianceOptions Options(ApplianceOptions? defaults = null, IDictionary? environment = null) =>
        ApplianceConfiguration.Load(defaults ?? new ApplianceOptions(), SettingFlags(), environment ?? Environment.GetEnvironmentVariables(), AppContext.BaseDirectory);
}
