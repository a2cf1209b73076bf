using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace NanoChat.Appliance.Kernels.Sandbox;

/// <summary>
/// The few file calls .NET does not offer: a file's owner, group and allocated size (statx, whose
/// layout is the same on every Linux architecture, unlike struct stat) and changing its owner.
/// </summary>
public static partial class Posix
{
    private const int AtCurrentDirectory = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxBasicStats = 0x7ff;
    private const int StatxBytes = 256;

    /// <summary>What statx says of a path (links not followed).</summary>
    public readonly record struct FileStatus(int Owner, int Group, int Mode, long AllocatedBytes, bool IsDirectory, bool IsLink, bool IsRegularFile);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatxNative(int directory, string path, int flags, uint mask, Span<byte> buffer);

    [LibraryImport("libc", EntryPoint = "lchown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LchownNative(string path, int owner, int group);

    /// <summary>(owner, group, permission bits) of a path, or null when it does not exist.</summary>
    public static (int Owner, int Group, int Mode)? Status(string path) =>
        Describe(path) is { } status ? (status.Owner, status.Group, status.Mode) : null;

    public static FileStatus? Describe(string path)
    {
        Span<byte> buffer = stackalloc byte[StatxBytes];
        if (StatxNative(AtCurrentDirectory, path, AtSymlinkNoFollow, StatxBasicStats, buffer) != 0)
            return null;
        var uid = BinaryPrimitives.ReadInt32LittleEndian(buffer[20..]);
        var gid = BinaryPrimitives.ReadInt32LittleEndian(buffer[24..]);
        var mode = BinaryPrimitives.ReadUInt16LittleEndian(buffer[28..]);
        var blocks = BinaryPrimitives.ReadInt64LittleEndian(buffer[48..]);
        var type = mode & 0xF000;
        return new FileStatus(uid, gid, mode & 0xFFF, blocks * 512, type == 0x4000, type == 0xA000, type == 0x8000);
    }

    /// <summary>Gives a path (not a link's target) to a user; throws with the path on failure.</summary>
    public static void ChangeOwner(string path, int owner, int group)
    {
        if (LchownNative(path, owner, group) != 0)
            throw new IOException($"Could not give '{path}' to uid {owner}: {Marshal.GetLastPInvokeErrorMessage()}");
    }
}
