using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace NanoChat.Appliance.Kernels.Network;

/// <summary>
/// One kernel's way out when the instructor allows the internet: an HTTP proxy of the web process
/// on a Unix socket in the kernel's socket folder (the only thing the kernel's own network namespace
/// can reach; a relay in the worker forwards the kernel's 127.0.0.1 proxy port to it). It takes
/// `CONNECT host:443` (https, the usual case) and absolute-form `GET http://host/…`, checks the
/// destination with <see cref="EgressPolicy"/>, then pipes bytes both ways; refusals answer 403 with
/// the reason, which Python's clients show in the cell. Lives as long as the kernel's worker.
/// </summary>
public sealed class EgressProxy : IAsyncDisposable
{
    private const int MaxHeadBytes = 16 * 1024;
    private const int MaxConnections = 64;
    private static readonly TimeSpan HeadTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(15);

    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _slots = new(MaxConnections, MaxConnections);
    private readonly ILogger _logger;
    private readonly string _username;
    private readonly Task _accepting;

    private EgressProxy(Socket listener, ILogger logger, string username)
    {
        _listener = listener;
        _logger = logger;
        _username = username;
        _accepting = AcceptLoopAsync();
    }

    /// <summary>Listens at <paramref name="socketPath"/>; the kernel's account (when given) may connect to it.</summary>
    public static EgressProxy Start(string socketPath, Sandbox.KernelUser? kernelUser, ILogger logger, string username)
    {
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        if (kernelUser is not null)
            Sandbox.Posix.ChangeOwner(socketPath, kernelUser.Uid, kernelUser.Gid);
        listener.Listen(MaxConnections);
        return new EgressProxy(listener, logger, username);
    }

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptAsync(_stop.Token);
                if (!await _slots.WaitAsync(0))
                {
                    client.Dispose();
                    continue;
                }
                _ = ServeAsync(client).ContinueWith(_ => _slots.Release(), TaskScheduler.Default);
            }
        }
        catch (Exception error) when (error is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    private async Task ServeAsync(Socket clientSocket)
    {
        using var client = clientSocket;
        using var clientStream = new NetworkStream(client, ownsSocket: false);
        try
        {
            using var headTimeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            headTimeout.CancelAfter(HeadTimeout);
            var (head, rest) = await ReadHeadAsync(clientStream, headTimeout.Token);
            if (head is null || ProxyRequest.Parse(head) is not { } request)
            {
                await AnswerAsync(clientStream, 400, "Bad Request", "The proxy understands CONNECT host:port and absolute http:// requests.");
                return;
            }
            var (address, refusal) = await EgressPolicy.ResolveAsync(request.Host, request.Port, headTimeout.Token);
            if (address is null)
            {
                _logger.LogInformation("Refused {User}'s kernel a connection to {Host}:{Port}: {Reason}", _username, request.Host, request.Port, refusal);
                await AnswerAsync(clientStream, 403, "Forbidden", refusal!);
                return;
            }
            using var upstream = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
            {
                connectTimeout.CancelAfter(ConnectTimeout);
                try
                {
                    await upstream.ConnectAsync(new IPEndPoint(address, request.Port), connectTimeout.Token);
                }
                catch (Exception error) when (error is SocketException or OperationCanceledException)
                {
                    await AnswerAsync(clientStream, 502, "Bad Gateway", $"{request.Host}:{request.Port} did not answer.");
                    return;
                }
            }
            if (request.IsConnect)
                await client.SendAsync("HTTP/1.1 200 Connection established\r\n\r\n"u8.ToArray(), _stop.Token);
            else
                await upstream.SendAsync(Encoding.Latin1.GetBytes(request.ForwardedHead), _stop.Token);
            await SocketPipe.BothWaysAsync(client, upstream, rest, _stop.Token);
        }
        catch (Exception error) when (error is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Either side went away.
        }
    }

    /// <summary>The request head (up to the blank line, Latin-1) and any bytes read past it; null head when there is none within the limit.</summary>
    private static async Task<(string? Head, byte[] Remainder)> ReadHeadAsync(Stream client, CancellationToken cancel)
    {
        var buffer = new byte[MaxHeadBytes];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await client.ReadAsync(buffer.AsMemory(length), cancel);
            if (read == 0)
                return (null, []);
            length += read;
            var end = buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
                return (Encoding.Latin1.GetString(buffer, 0, end + 4), buffer[(end + 4)..length]);
        }
        return (null, []);
    }

    private static async Task AnswerAsync(Stream client, int status, string phrase, string message)
    {
        var body = Encoding.UTF8.GetBytes(message + "\n");
        var head = string.Create(CultureInfo.InvariantCulture,
            $"HTTP/1.1 {status} {phrase}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
        await client.WriteAsync(Encoding.ASCII.GetBytes(head));
        await client.WriteAsync(body);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _accepting.ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }
}
