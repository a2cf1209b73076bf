using System.Net;
using System.Net.Sockets;

namespace NanoChat.Appliance.Tests.Infrastructure;

/// <summary>
/// Clients that reach the test server from another address: Linux routes all of 127.0.0.0/8 to the
/// loopback device, so a socket bound to 127.0.0.2 is, to the server, a second machine of the class.
/// </summary>
public static class LoopbackClients
{
    public static HttpClient ClientFrom(this ApplianceServer server, string localAddress)
    {
        var local = new IPEndPoint(IPAddress.Parse(localAddress), 0);
        var handler = new SocketsHttpHandler
        {
            UseCookies = false,
            AllowAutoRedirect = false,
            ConnectCallback = async (context, cancellation) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(local);
                    await socket.ConnectAsync(context.DnsEndPoint, cancellation);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = server.Address };
    }
}
