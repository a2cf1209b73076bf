namespace NanoChat.Appliance.Tests.Infrastructure;

/// <summary>The system clock in a time zone the test chooses (the box's zone is outside the test's control).</summary>
public sealed class ZonedClock(TimeZoneInfo zone) : TimeProvider
{
    public override TimeZoneInfo LocalTimeZone => zone;
}
