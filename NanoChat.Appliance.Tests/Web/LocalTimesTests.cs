using System.Text;
using NanoChat.Appliance.Tests.Infrastructure;
using NanoChat.Appliance.Web;

namespace NanoChat.Appliance.Tests.Web;

/// <summary>
/// Times in the console are the box's local time with the zone's abbreviation, as the notebooks'
/// history shows them, never UTC when the box is elsewhere.
/// </summary>
public sealed class LocalTimesTests
{
    private static readonly DateTimeOffset Winter = new(2026, 1, 15, 13, 3, 27, TimeSpan.Zero);
    private static readonly DateTimeOffset Summer = new(2026, 7, 15, 13, 3, 27, TimeSpan.Zero);

    private static byte[] Tzif(string footer) => Encoding.ASCII.GetBytes("TZif2\0\0\0binary data\n" + footer + "\n");

    [Fact]
    public void The_abbreviations_come_from_the_zones_posix_rule()
    {
        Assert.Equal(("CET", "CEST"), LocalTimes.FromFooter(Tzif("CET-1CEST,M3.5.0,M10.5.0/3")));
        Assert.Equal(("IST", null), LocalTimes.FromFooter(Tzif("IST-5:30")));
        Assert.Equal(("AEST", "AEDT"), LocalTimes.FromFooter(Tzif("AEST-10AEDT,M10.1.0,M4.1.0/3")));
        Assert.Equal((null, null), LocalTimes.FromFooter(Tzif("<+03>-3"))); // numbers only: said as UTC+03:00
        Assert.Equal((null, null), LocalTimes.FromFooter([]));
    }

    [TzdataFact]
    public void A_box_in_berlin_says_cet_in_winter_and_cest_in_summer()
    {
        var berlin = FindZone("Europe/Berlin");
        var times = new LocalTimes(new ZonedClock(berlin));
        Assert.Equal("2026-01-15 14:03:27 CET", times.Format(Winter));
        Assert.Equal("2026-07-15 15:03:27 CEST", times.Format(Summer));
        Assert.Equal("14:03:27 CET", times.TimeOfDay(Winter));
        Assert.Equal("—", times.Format(null));
        Assert.Equal("Europe/Berlin", times.BrowserZoneId);
    }

    [TzdataFact]
    public void Utc_and_zones_without_letters_are_said_with_numbers()
    {
        Assert.Equal("2026-01-15 13:03:27 UTC", new LocalTimes(new ZonedClock(TimeZoneInfo.Utc)).Format(Winter));
        var saoPaulo = FindZone("America/Sao_Paulo"); // "<-03>3": no letters for it in tzdata
        Assert.Equal("2026-01-15 10:03:27 UTC-03:00", new LocalTimes(new ZonedClock(saoPaulo)).Format(Winter));
    }

    [TzdataFact]
    public async Task The_console_shows_the_boxs_local_time_with_its_zone()
    {
        var berlin = FindZone("Europe/Berlin");
        await using var server = await ApplianceServer.StartAsync(
            configure: options => options.NightlyBackupHour = -1,
            configureBuilder: builder => builder.Services.AddSingleton<TimeProvider>(new ZonedClock(berlin)));
        using var teacher = await server.SignUpAsync("teacher");
        var zone = berlin.IsDaylightSavingTime(DateTimeOffset.UtcNow) ? "CEST" : "CET";
        foreach (var page in new[] { "/admin", "/admin/events", "/admin/users" })
        {
            var html = await teacher.Http.GetStringAsync(page);
            Assert.Contains($" {zone}", html, StringComparison.Ordinal);
            Assert.DoesNotContain(" UTC<", html, StringComparison.Ordinal);
        }
        var now = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, berlin);
        Assert.Contains(now.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), await teacher.Http.GetStringAsync("/admin/events"), StringComparison.Ordinal);
    }

    private static TimeZoneInfo FindZone(string id) => TimeZoneInfo.FindSystemTimeZoneById(id);
}

/// <summary>A test that needs the system's tzdata (Debian's tzdata package); skipped with the reason without it.</summary>
public sealed class TzdataFactAttribute : FactAttribute
{
    public TzdataFactAttribute()
    {
        if (!File.Exists("/usr/share/zoneinfo/Europe/Berlin") || !File.Exists("/usr/share/zoneinfo/America/Sao_Paulo"))
            Skip = "The system's time zone data is missing (apt-get install tzdata).";
    }
}
