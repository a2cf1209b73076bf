using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace NanoChat.Appliance.Web;

/// <summary>
/// Times as the people in the room read them: the box's local time with its zone's abbreviation
/// ("2026-03-01 14:03:27 CET", "14:03 CET"), the same zone as the notebooks' history and the nightly
/// backup's hour. The abbreviation comes from the zone's tzdata file (its POSIX TZ footer, e.g.
/// "CET-1CEST,M3.5.0,M10.5.0/3"), since .NET names zones only in long words; a zone without letters
/// there ("&lt;+03&gt;-3") shows as "UTC+03:00". Singleton; the zone is the clock's
/// (<see cref="TimeProvider.LocalTimeZone"/>), so a test can choose it.
/// </summary>
public sealed partial class LocalTimes(TimeProvider clock)
{
    private const string ZoneFolder = "/usr/share/zoneinfo";
    private readonly ConcurrentDictionary<string, (string? Standard, string? Daylight)> _names = new();

    public TimeZoneInfo Zone => clock.LocalTimeZone;

    /// <summary>The zone's IANA name for the browser's Intl (the notebook's history), or "" when it has none ("Local").</summary>
    public string BrowserZoneId => Zone.Id.Contains('/', StringComparison.Ordinal) || Zone.Id == "UTC" ? Zone.Id : "";

    /// <summary>Date, time and zone, for tables and titles.</summary>
    public string Format(DateTimeOffset? time) =>
        time is { } value ? $"{Local(value).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} {ZoneName(value)}" : "—";

    /// <summary>Time of day and zone, where the date goes without saying (today's events).</summary>
    public string TimeOfDay(DateTimeOffset? time) =>
        time is { } value ? $"{Local(value).ToString("HH:mm:ss", CultureInfo.InvariantCulture)} {ZoneName(value)}" : "—";

    private DateTimeOffset Local(DateTimeOffset time) => TimeZoneInfo.ConvertTime(time, Zone);

    /// <summary>"CET" or "CEST" as the instant falls, "UTC", or "UTC+05:30" when the zone has no letters for it.</summary>
    public string ZoneName(DateTimeOffset time)
    {
        var zone = Zone;
        var offset = zone.GetUtcOffset(time);
        if (zone.Id is "UTC" or "Etc/UTC" or "Etc/Universal" or "Universal" or "Zulu" || (zone.Id == "Local" && offset == TimeSpan.Zero && !zone.SupportsDaylightSavingTime))
            return "UTC";
        var (standard, daylight) = _names.GetOrAdd(zone.Id, _ => ReadNames(zone));
        var name = zone.IsDaylightSavingTime(time) ? daylight ?? standard : standard;
        return name ?? Numeric(offset);
    }

    private static string Numeric(TimeSpan offset) =>
        string.Create(CultureInfo.InvariantCulture, $"UTC{(offset < TimeSpan.Zero ? '-' : '+')}{Math.Abs(offset.Hours):00}:{Math.Abs(offset.Minutes):00}");

    private static (string?, string?) ReadNames(TimeZoneInfo zone)
    {
        // TimeZoneInfo.Local reads /etc/localtime (or $TZ) and is named after the link's target, or "Local".
        var named = Path.Combine(ZoneFolder, zone.Id);
        var path = File.Exists(named) ? named : zone.Equals(TimeZoneInfo.Local) ? "/etc/localtime" : null;
        try
        {
            return path is not null && File.Exists(path) ? FromFooter(File.ReadAllBytes(path)) : (null, null);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return (null, null);
        }
    }

    /// <summary>The standard and daylight abbreviations from a TZif file's last line (its POSIX TZ rule).</summary>
    public static (string? Standard, string? Daylight) FromFooter(byte[] tzif)
    {
        var end = tzif.Length - 1;
        if (end < 1 || tzif[end] != (byte)'\n')
            return (null, null);
        var start = Array.LastIndexOf(tzif, (byte)'\n', end - 1) + 1;
        var rule = PosixRule().Match(Encoding.ASCII.GetString(tzif, start, end - start));
        if (!rule.Success)
            return (null, null);
        static string? Letters(Group group) => group.Success && group.Value.Any(char.IsLetter) ? group.Value : null;
        return (Letters(rule.Groups["std"]), Letters(rule.Groups["dst"]));
    }

    // std offset [dst [offset]] [,rules]: names are letters, or anything in angle brackets ("<+03>").
    [GeneratedRegex(@"^(?:<(?<std>[^>]+)>|(?<std>[A-Za-z]{3,}))[-+]?\d[\d:]*(?:<(?<dst>[^>]+)>|(?<dst>[A-Za-z]{3,}))?")]
    private static partial Regex PosixRule();
}
