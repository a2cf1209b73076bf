namespace NanoChat.Appliance.Tests.Infrastructure;

/// <summary>A clock the test moves by hand (time is outside our control, so a small double is fine).</summary>
public sealed class ManualClock : TimeProvider
{
    private DateTimeOffset _now = DateTimeOffset.UtcNow;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
