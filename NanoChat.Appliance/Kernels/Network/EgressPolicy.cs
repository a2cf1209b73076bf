using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace NanoChat.Appliance.Kernels.Network;

/// <summary>
/// Where a kernel's downloads may go when the instructor allows the internet: web ports (80, 443)
/// of hosts that are not this box. Refused: loopback, link-local (169.254.0.0/16 is where cloud
/// metadata services answer), unspecified, multicast and broadcast addresses, and every address of
/// this box's own interfaces, so the appliance's own port and every other service of the box stay
/// out of reach whatever name a cell uses. A name that resolves to any refused address is refused
/// as a whole, and the connection goes to the address that was checked (no second lookup a DNS
/// rebinding could change).
/// </summary>
public static class EgressPolicy
{
    public static readonly IReadOnlySet<int> AllowedPorts = new HashSet<int> { 80, 443 };

    /// <summary>The address to connect to for host:port, or null and the sentence saying why not.</summary>
    public static async Task<(IPAddress? Address, string? Refusal)> ResolveAsync(string host, int port, CancellationToken cancel)
    {
        IPAddress[] addresses;
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal))
            addresses = [literal];
        else
        {
            try
            {
                addresses = await Dns.GetHostAddressesAsync(host, cancel);
            }
            catch (SocketException)
            {
                return (null, $"The name '{host}' could not be resolved.");
            }
        }
        if (addresses.Length == 0)
            return (null, $"The name '{host}' could not be resolved.");
        var own = OwnAddresses();
        foreach (var address in addresses)
        {
            if (Refused(address, own) is { } why)
                return (null, $"'{host}' ({address}) is {why}: kernels may not reach it.");
        }
        if (!AllowedPorts.Contains(port))
            return (null, $"Port {port} is not allowed: kernels may download over http (80) and https (443) only.");
        return (addresses.FirstOrDefault(address => address.AddressFamily == AddressFamily.InterNetwork) ?? addresses[0], null);
    }

    /// <summary>Why an address is out of bounds, or null.</summary>
    public static string? Refused(IPAddress address, IReadOnlySet<IPAddress> ownAddresses)
    {
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address))
            return "a loopback address of this box";
        if (ownAddresses.Contains(address))
            return "an address of this box";
        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
            return "not a host address";
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var bytes = address.GetAddressBytes();
            if (bytes[0] == 0)
                return "not a host address";
            if (bytes[0] == 169 && bytes[1] == 254)
                return "a link-local address (where cloud metadata services answer)";
            if (bytes[0] >= 224)
                return "a multicast or reserved address";
            return null;
        }
        if (address.IsIPv6LinkLocal || address.IsIPv6SiteLocal)
            return "a link-local address";
        if (address.IsIPv6Multicast)
            return "a multicast address";
        return null;
    }

    /// <summary>Every unicast address of this box's interfaces, read anew each time (interfaces come and go).</summary>
    public static IReadOnlySet<IPAddress> OwnAddresses()
    {
        var addresses = new HashSet<IPAddress>();
        foreach (var face in NetworkInterface.GetAllNetworkInterfaces())
        {
            foreach (var unicast in face.GetIPProperties().UnicastAddresses)
            {
                var address = unicast.Address;
                if (address.IsIPv6LinkLocal)
                    address = new IPAddress(address.GetAddressBytes()); // scope ids differ between lookups
                addresses.Add(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
            }
        }
        return addresses;
    }
}
