namespace NanoChat.Appliance.CourseData;

/// <summary>One staged item as the console and `course-data list` show it (the manifest beside its folder).</summary>
public sealed record CourseItem(string Name, string Kind, long SizeBytes, DateTimeOffset AddedAt, string Source, int Files);
