using System.Net.Sockets;

namespace NanoChat.Appliance.Kernels.Network;

/// <summary>
/// Copies bytes both ways between two connected sockets until both directions are done; when one
/// side stops sending, the other is told so (half-close), so a client that finished its request
/// still receives the whole answer.
/// </summary>
public static class SocketPipe
{
    public static async Task BothWaysAsync(Socket first, Socket second, ReadOnlyMemory<byte> alreadyReadFromFirst = default, CancellationToken cancel = default)
    {
        if (!alreadyReadFromFirst.IsEmpty)
            await second.SendAsync(alreadyReadFromFirst, cancel);
        await Task.WhenAll(OneWayAsync(first, second, cancel), OneWayAsync(second, first, cancel));
    }

    private static async Task OneWayAsync(Socket from, Socket to, CancellationToken cancel)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, cancel);
                if (read == 0)
                    break;
                await to.SendAsync(buffer.AsMemory(0, read), cancel);
            }
            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception error) when (error is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // One side is gone: end the other too.
            try
            {
                from.Shutdown(SocketShutdown.Both);
                to.Shutdown(SocketShutdown.Both);
            }
            catch (Exception closing) when (closing is SocketException or ObjectDisposedException)
            {
            }
        }
    }
}
