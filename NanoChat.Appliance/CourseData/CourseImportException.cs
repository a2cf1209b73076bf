namespace NanoChat.Appliance.CourseData;

/// <summary>Staging refused or failed; the message is one sentence for the instructor, naming what and why.</summary>
public sealed class CourseImportException(string message) : Exception(message);
