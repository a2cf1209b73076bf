namespace NanoChat.Appliance.Kernels;

/// <summary>
/// Positions in cell source: the browser counts UTF-16 units, Python counts code points. They differ
/// after any character outside the Basic Multilingual Plane (an emoji in a string, say).
/// </summary>
public static class CodePoints
{
    /// <summary>The number of code points in the first <paramref name="utf16Offset"/> UTF-16 units.</summary>
    public static int Count(string text, int utf16Offset)
    {
        var count = 0;
        for (var i = 0; i < utf16Offset; i += char.IsSurrogatePair(text, i) ? 2 : 1)
            count++;
        return count;
    }

    /// <summary>The UTF-16 offset of code point number <paramref name="codePoint"/> (clamped to the text).</summary>
    public static int Utf16Offset(string text, int codePoint)
    {
        var offset = 0;
        for (var seen = 0; seen < codePoint && offset < text.Length; seen++)
            offset += char.IsSurrogatePair(text, offset) ? 2 : 1;
        return offset;
    }
}
