using System.Globalization;

namespace NanoChat.Appliance.Kernels.Network;

/// <summary>
/// The first line of a request to the egress proxy: `CONNECT host:port HTTP/1.1`, or an absolute-form
/// request (`GET http://host[:port]/path HTTP/1.1`) which is forwarded with its target in origin
/// form. Anything else (origin-form requests, https:// targets, other schemes) is not a proxy request.
/// </summary>
public sealed record ProxyRequest(bool IsConnect, string Host, int Port, string ForwardedHead)
{
    public static ProxyRequest? Parse(string head)
    {
        var lineEnd = head.IndexOf("\r\n", StringComparison.Ordinal);
        var parts = (lineEnd < 0 ? head : head[..lineEnd]).Split(' ');
        if (parts.Length != 3 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
            return null;
        var (method, target, version) = (parts[0], parts[1], parts[2]);
        if (method == "CONNECT")
        {
            var colon = target.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(target[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
                return null;
            return new ProxyRequest(true, target[..colon].Trim('[', ']'), port, head);
        }
        if (!Uri.TryCreate(target, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp || string.IsNullOrEmpty(uri.Host))
            return null;
        var forwarded = $"{method} {uri.PathAndQuery} {version}{(lineEnd < 0 ? "\r\n\r\n" : head[lineEnd..])}";
        return new ProxyRequest(false, uri.IdnHost.Trim('[', ']'), uri.Port, forwarded);
    }
}
