import { BlockList, isIP } from 'node:net';

/**
 * Addresses a link preview never fetches from unless allowed by configuration: this host, private
 * networks, link-local (cloud metadata at 169.254.169.254), unspecified, multicast, reserved and
 * documentation ranges. IPv4-mapped IPv6 addresses (::ffff:10.0.0.1) are checked as the IPv4
 * address they carry.
 */
const REFUSED: readonly [string, number, 'ipv4' | 'ipv6'][] = [
  ['0.0.0.0', 8, 'ipv4'], // "this network", unspecified
  ['10.0.0.0', 8, 'ipv4'], // private (RFC 1918)
  ['100.64.0.0', 10, 'ipv4'], // carrier-grade NAT
  ['127.0.0.0', 8, 'ipv4'], // loopback
  ['169.254.0.0', 16, 'ipv4'], // link-local, cloud metadata
  ['172.16.0.0', 12, 'ipv4'], // private (RFC 1918)
  ['192.0.0.0', 24, 'ipv4'], // IETF protocol assignments
  ['192.0.2.0', 24, 'ipv4'], // documentation
  ['192.168.0.0', 16, 'ipv4'], // private (RFC 1918)
  ['198.18.0.0', 15, 'ipv4'], // benchmarking
  ['198.51.100.0', 24, 'ipv4'], // documentation
  ['203.0.113.0', 24, 'ipv4'], // documentation
  ['224.0.0.0', 4, 'ipv4'], // multicast
  ['240.0.0.0', 4, 'ipv4'], // reserved, broadcast
  ['::', 128, 'ipv6'], // unspecified
  ['::1', 128, 'ipv6'], // loopback
  ['64:ff9b::', 96, 'ipv6'], // NAT64: reaches IPv4 addresses through a gateway
  ['100::', 64, 'ipv6'], // discard
  ['2001:db8::', 32, 'ipv6'], // documentation
  ['2002::', 16, 'ipv6'], // 6to4: carries an IPv4 address
  ['fc00::', 7, 'ipv6'], // unique local
  ['fe80::', 10, 'ipv6'], // link-local
  ['ff00::', 8, 'ipv6'], // multicast
];

const refused = new BlockList();
for (const [network, prefix, family] of REFUSED) refused.addSubnet(network, prefix, family);

function familyOf(address: string): 'ipv4' | 'ipv6' {
  return isIP(address) === 6 ? 'ipv6' : 'ipv4';
}

/** The IPv4 address an IPv4-mapped IPv6 address carries (::ffff:a.b.c.d), else the address. */
function unmapped(address: string): string {
  if (isIP(address) !== 6) return address;
  // The URL parser writes IPv6 in its canonical form: a mapped address becomes [::ffff:xxxx:xxxx].
  const canonical = new URL(`http://[${address}]/`).hostname;
  const mapped = /^\[::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})\]$/.exec(canonical);
  if (!mapped) return address;
  const high = parseInt(mapped[1]!, 16);
  const low = parseInt(mapped[2]!, 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** Whether an IP address is one of the public internet's (see REFUSED). */
export function isPublicAddress(address: string): boolean {
  if (isIP(address) === 0) return false;
  const plain = unmapped(address);
  return !refused.check(plain, familyOf(plain));
}

/** Addresses allowed although not public, from configuration (LINK_PREVIEW_ALLOW). */
export interface AddressAllowList {
  has(address: string): boolean;
}

/**
 * Parses a comma-separated list of IP addresses and CIDR networks (`127.0.0.1,::1,10.1.0.0/16`).
 * @throws Error naming the first entry that is neither
 */
export function parseAllowList(list: string): AddressAllowList {
  const allowed = new BlockList();
  for (const entry of list
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const [address = '', prefix, extra] = entry.split('/');
    const family = isIP(address);
    const maxBits = family === 6 ? 128 : 32;
    const bits = prefix === undefined ? maxBits : /^\d{1,3}$/.test(prefix) ? Number(prefix) : -1;
    if (family === 0 || extra !== undefined || bits < 0 || bits > maxBits)
      throw new Error(`"${entry}" is not an IP address or a CIDR network like 10.1.0.0/16`);
    allowed.addSubnet(address, bits, family === 6 ? 'ipv6' : 'ipv4');
  }
  return {
    has(address) {
      if (isIP(address) === 0) return false;
      const plain = unmapped(address);
      return allowed.check(plain, familyOf(plain)) || allowed.check(address, familyOf(address));
    },
  };
}

/** Whether a link preview may connect to `address`. */
export function mayConnect(address: string, allow: AddressAllowList): boolean {
  return isPublicAddress(address) || allow.has(address);
}
