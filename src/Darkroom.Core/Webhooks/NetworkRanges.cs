using System.Net;
using System.Net.Sockets;

namespace Darkroom.Core.Webhooks;

/// <summary>
/// Which addresses a server-side request may reach: public unicast only. Loopback, private (RFC 1918, ULA),
/// link-local, carrier-grade NAT, multicast, reserved and unspecified ranges are refused; IPv4 inside IPv6
/// (mapped, compatible, translated, NAT64, 6to4) is judged by the IPv4 range it reaches, and Teredo is refused.
/// </summary>
public static class NetworkRanges
{
    private static readonly (byte[] Network, int Bits)[] BlockedV4 =
    [
        ([0, 0, 0, 0], 8),
        ([10, 0, 0, 0], 8),
        ([100, 64, 0, 0], 10),
        ([127, 0, 0, 0], 8),
        ([169, 254, 0, 0], 16),
        ([172, 16, 0, 0], 12),
        ([192, 0, 0, 0], 24),
        ([192, 0, 2, 0], 24),
        ([192, 168, 0, 0], 16),
        ([198, 18, 0, 0], 15),
        ([198, 51, 100, 0], 24),
        ([203, 0, 113, 0], 24),
        ([224, 0, 0, 0], 4),
        ([240, 0, 0, 0], 4),
    ];

    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return IsPublic(address.MapToIPv4());
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            byte[] bytes = address.GetAddressBytes();
            return !BlockedV4.Any(range => InRange(bytes, range.Network, range.Bits));
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }

        byte[] v6 = address.GetAddressBytes();
        if (IPAddress.IPv6Loopback.Equals(address) || IPAddress.IPv6None.Equals(address) || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast)
        {
            return false;
        }

        // fc00::/7 unique local; 100::/64 discard-only; 2001:db8::/32 documentation; 2001::/23 IETF protocol
        // assignments (Teredo 2001::/32 among them, whose embedded IPv4 is obfuscated); 64:ff9b:1::/48 local NAT64.
        if ((v6[0] & 0xFE) == 0xFC
            || InRange(v6, [0x01, 0x00, 0, 0, 0, 0, 0, 0], 64)
            || InRange(v6, [0x20, 0x01, 0x0D, 0xB8], 32)
            || InRange(v6, [0x20, 0x01, 0x00], 23)
            || InRange(v6, [0, 0x64, 0xFF, 0x9B, 0, 0x01], 48))
        {
            return false;
        }

        // IPv4 inside IPv6, judged by the IPv4 range it reaches: NAT64 64:ff9b::/96, IPv4-compatible ::/96 (which
        // also holds :: and ::1), IPv4-translated ::ffff:0:0:0/96, and 6to4 2002::/16 (the IPv4 in bytes 2-5).
        if (InRange(v6, [0, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0], 96)
            || InRange(v6, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 96)
            || InRange(v6, [0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0, 0], 96))
        {
            return IsPublic(new IPAddress(v6.AsSpan(12, 4)));
        }

        if (InRange(v6, [0x20, 0x02], 16))
        {
            return IsPublic(new IPAddress(v6.AsSpan(2, 4)));
        }

        return true;
    }

    private static bool InRange(byte[] address, byte[] network, int bits)
    {
        for (int i = 0; i < network.Length && bits > 0; i++, bits -= 8)
        {
            int mask = bits >= 8 ? 0xFF : (0xFF << (8 - bits)) & 0xFF;
            if ((address[i] & mask) != (network[i] & mask))
            {
                return false;
            }
        }

        return true;
    }
}
