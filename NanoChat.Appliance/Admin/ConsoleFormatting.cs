using System.Globalization;

namespace NanoChat.Appliance.Admin;

/// <summary>How the console words sizes, shares and durations, so every admin page says them the same way (times: <see cref="Web.LocalTimes"/>).</summary>
public static class ConsoleFormatting
{
    public static string Bytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return string.Create(CultureInfo.InvariantCulture, $"{value:0.#} {units[unit]}");
    }

    public static string MiB(long mebibytes) => Bytes(mebibytes * 1024 * 1024);

    public static string Percent(double? value) => value is { } number ? string.Create(CultureInfo.InvariantCulture, $"{number:0.#} %") : "unknown";

    /// <summary>"12 s", "4 min", "3 h 5 min", "2 d 4 h".</summary>
    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
            span = TimeSpan.Zero;
        if (span.TotalSeconds < 60)
            return $"{(int)span.TotalSeconds} s";
        if (span.TotalMinutes < 60)
            return $"{(int)span.TotalMinutes} min";
        if (span.TotalHours < 24)
            return $"{(int)span.TotalHours} h {span.Minutes} min";
        return $"{(int)span.TotalDays} d {span.Hours} h";
    }
}
