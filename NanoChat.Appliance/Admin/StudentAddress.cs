using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using NanoChat.Appliance.Storage;

namespace NanoChat.Appliance.Admin;

/// <summary>
/// The address students type into their browsers, printed on the sign-in cards. The instructor sets
/// it once (kept in the settings table); until then the cards use the address the instructor's own
/// browser used, which on the box itself is a loopback one (127.0.0.1, localhost) that no student's
/// computer can reach, so the console warns about it and offers the box's own network addresses.
/// Singleton.
/// </summary>
public sealed class StudentAddress(Database database)
{
    private const string Key = "student_address";

    /// <summary>What the instructor saved, or null.</summary>
    public string? Saved =>
        database.Read(connection => connection.Scalar("SELECT value FROM settings WHERE key = $k", null, ("$k", Key)) as string);

    /// <summary>The saved address, else the one this request came in on.</summary>
    public string For(HttpContext http) => Saved ?? $"{http.Request.Scheme}://{http.Request.Host}/";

    public void Save(string address) =>
        database.Write((connection, transaction) => connection.Execute(
            "INSERT INTO settings (key, value) VALUES ($k, $v) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            transaction, ("$k", Key), ("$v", address)));

    /// <summary>An http(s) address with a host, as "http://host:port/"; or why not.</summary>
    public static (string? Address, string? Error) Check(string? raw)
    {
        var text = raw?.Trim() ?? "";
        if (text.Length > 0 && !text.Contains("://", StringComparison.Ordinal))
            text = "http://" + text; // "192.168.1.20:5000" as people write it
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0
            || uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0)
            return (null, "Give the address as students type it, e.g. http://192.168.1.20:5000/ (http or https, a host, optionally a port and a path).");
        return (uri.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/", null);
    }

    /// <summary>True for addresses only this box can reach: localhost, 127.0.0.0/8, ::1.</summary>
    public static bool IsLoopback(string address)
    {
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri))
            return false;
        var host = uri.Host.Trim('[', ']');
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
    }

    /// <summary>The box's own IPv4 addresses on its networks, as addresses with this request's scheme and port.</summary>
    public static IReadOnlyList<string> Suggestions(HttpContext http)
    {
        var port = http.Request.Host.Port;
        try
        {
            return [.. NetworkInterface.GetAllNetworkInterfaces()
                .Where(nic => nic.OperationalStatus == OperationalStatus.Up && nic.NetworkInterfaceType != NetworkInterfaceType.Loopback)
                .SelectMany(nic => nic.GetIPProperties().UnicastAddresses)
                .Select(unicast => unicast.Address)
                .Where(ip => ip.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(ip))
                .Select(ip => $"{http.Request.Scheme}://{ip}{(port is { } p ? $":{p}" : "")}/")
                .Distinct()
                .Take(4)];
        }
        catch (NetworkInformationException)
        {
            return [];
        }
    }
}
