using System.Runtime.InteropServices;

namespace NanoChat.Appliance.Worker;

/// <summary>
/// The few libc calls the worker needs that .NET does not offer: file-descriptor plumbing for output
/// capture, poll for batching, signal to ignore SIGXFSZ, pthread_kill to wake the main thread out of a blocking call, _exit to
/// leave without running Python's (slow, pointless) shutdown.
/// </summary>
internal static partial class NativeMethods
{
    public const int SIGINT = 2;
    public const int SIGXFSZ = 25;
    public static readonly nint SIG_IGN = 1;
    public const short POLLIN = 0x001;
    public const int F_SETFL = 4;
    public const int F_GETFL = 3;
    public const int O_NONBLOCK = 0x800;
    public const int F_SETPIPE_SZ = 1031;
    public const int EAGAIN = 11;
    public const int EINTR = 4;

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", SetLastError = true)]
    public static unsafe partial int pipe(int* fds);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int dup(int fd);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int dup2(int oldFd, int newFd);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true)]
    public static unsafe partial nint read(int fd, byte* buffer, nint count);

    [LibraryImport("libc", SetLastError = true)]
    public static unsafe partial nint write(int fd, byte* buffer, nint count);

    [LibraryImport("libc", SetLastError = true)]
    public static unsafe partial int poll(PollFd* fds, nuint count, int timeoutMs);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int fcntl(int fd, int command, int argument);

    [LibraryImport("libc")]
    public static partial nint signal(int signal, nint handler);

    [LibraryImport("libc")]
    public static partial nuint pthread_self();

    [LibraryImport("libc")]
    public static partial int pthread_kill(nuint thread, int signal);

    [LibraryImport("libc")]
    public static partial int fflush(nint stream);

    [LibraryImport("libc")]
    public static partial void _exit(int status);

    public static unsafe void WriteAll(int fd, ReadOnlySpan<byte> bytes)
    {
        fixed (byte* start = bytes)
        {
            var done = 0;
            while (done < bytes.Length)
            {
                var n = write(fd, start + done, bytes.Length - done);
                if (n < 0 && Marshal.GetLastPInvokeError() == EINTR)
                    continue;
                if (n <= 0)
                    return;
                done += (int)n;
            }
        }
    }
}
