namespace NanoChat.Appliance.Ipynb;

/// <summary>
/// Raised while reading an uploaded .ipynb when it breaks the format; the message names the place
/// (e.g. <c>cells[3].outputs[0].text</c>) and what is wrong. It never leaves <see cref="IpynbReader"/>:
/// callers get it back as a typed result and answer 400.
/// </summary>
public sealed class IpynbFormatException(string message) : Exception(message);
