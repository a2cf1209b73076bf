namespace NanoChat.Appliance.CourseData;

/// <summary>
/// How big staged data may be: an uploaded or downloaded archive as a whole, and any one file in it
/// (counted while it is written, never taken from the archive's own header).
/// </summary>
public sealed record CourseLimits(long MaxArchiveBytes, long MaxMemberBytes)
{
    private const long Gibibyte = 1024L * 1024 * 1024;

    /// <summary>A lesson's shards are about 1.2 GB and the whole speedrun's data 24 GB: room for that, not for a runaway.</summary>
    public static readonly CourseLimits Default = new(64 * Gibibyte, 16 * Gibibyte);
}
