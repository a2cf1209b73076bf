using System.Net;
using System.Net.Sockets;

namespace NanoChat.Appliance.Worker;

/// <summary>
/// Inside a kernel allowed to download: listens on 127.0.0.1:PORT of the kernel's own network
/// namespace (where HTTP_PROXY points) and forwards each connection to the web process's egress
/// proxy socket, the kernel's only way out. It decides nothing: the proxy checks every destination.
/// Started before any student code, so the port is the relay's; lives as long as the worker.
/// </summary>
public static class ProxyRelay
{
    public static void Start(string proxySocket, int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        new Thread(() =>
        {
            while (true)
            {
                var client = listener.AcceptSocket();
                _ = RelayAsync(client, proxySocket);
            }
        })
        { IsBackground = true, Name = "kernel-proxy-relay" }.Start();
    }

    private static async Task RelayAsync(Socket client, string proxySocket)
    {
        using (client)
        using (var proxy = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            try
            {
                await proxy.ConnectAsync(new UnixDomainSocketEndPoint(proxySocket));
                await Kernels.Network.SocketPipe.BothWaysAsync(client, proxy);
            }
            catch (Exception error) when (error is SocketException or ObjectDisposedException)
            {
            }
        }
    }
}
