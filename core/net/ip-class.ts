/**
 * What kind of network an IP address belongs to, for the SSRF guard. The special-purpose ranges
 * come from ipaddr.js (the IANA registries, kept up to date there); this file only says what each
 * range means for a fetch. Addresses that embed an IPv4 address (IPv4-mapped, IPv4-translated,
 * IPv4-compatible, NAT64, 6to4, Teredo) are judged by the IPv4 address inside, so `::ffff:127.0.0.1`
 * is loopback however it is spelled.
 */
import ipaddr from 'ipaddr.js';
import { isIPv4, isIPv6 } from 'node:net';

export type AddressClass = 'public' | 'loopback' | 'private' | 'link-local' | 'reserved';

/**
 * IPv4 ranges by ipaddr.js name. AS112 and AMT relays are anycast services on the public internet.
 * A range a later ipaddr.js adds is not listed here and counts as reserved (refused) until it is.
 */
const v4Classes: Record<string, AddressClass> = {
  unicast: 'public',
  as112: 'public',
  amt: 'public',
  loopback: 'loopback',
  private: 'private',
  carrierGradeNat: 'private', // used inside some VPCs
  linkLocal: 'link-local', // includes the instance metadata address 169.254.169.254
  unspecified: 'reserved',
  broadcast: 'reserved',
  multicast: 'reserved',
  reserved: 'reserved', // documentation, benchmarking (198.18.0.0/15), IETF, 240.0.0.0/4
};

/** IPv6 ranges that embed no IPv4 address, by ipaddr.js name (unlisted: reserved, as for IPv4). */
const v6Classes: Record<string, AddressClass> = {
  unicast: 'public',
  as112v6: 'public',
  amt: 'public',
  loopback: 'loopback',
  uniqueLocal: 'private',
  deprecatedSiteLocal: 'private',
  linkLocal: 'link-local',
  unspecified: 'reserved',
  multicast: 'reserved',
};

function classifyV4(address: ipaddr.IPv4): AddressClass {
  return v4Classes[address.range()] ?? 'reserved';
}

/** The IPv4 address in 32 bits of an IPv6 address: `parts[at]` and `parts[at + 1]`. */
function v4At(parts: number[], at: number, invert = false): ipaddr.IPv4 {
  const high = parts[at] ?? 0;
  const low = parts[at + 1] ?? 0;
  const mask = invert ? 0xff : 0;
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff].map((byte) => byte ^ mask));
}

function classifyV6(address: ipaddr.IPv6): AddressClass {
  const { parts } = address;
  const range = address.range();
  switch (range) {
    case 'ipv4Mapped': // ::ffff:a.b.c.d
    case 'rfc6145': // IPv4-translated ::ffff:0:a.b.c.d
      return classifyV4(v4At(parts, 6));
    case 'rfc6052':
      // The well-known NAT64 prefix 64:ff9b::/96 reaches the IPv4 address inside; the local-use
      // 64:ff9b:1::/48 (RFC 8215) is a site's own translator, where the address may sit anywhere.
      return parts[2] === 0 ? classifyV4(v4At(parts, 6)) : 'private';
    case '6to4': // 2002:AABB:CCDD::/48 routes to the relay at a.b.c.d
      return classifyV4(v4At(parts, 1));
    case 'teredo': {
      // 2001:0:<server IPv4>:<flags>:<port>:<client IPv4>, the client's address and port inverted.
      const client = classifyV4(v4At(parts, 6, true));
      return client !== 'public' ? client : classifyV4(v4At(parts, 2));
    }
  }
  // ::a.b.c.d, the deprecated IPv4-compatible form, which ipaddr.js counts as unicast.
  if (range === 'unicast' && parts.slice(0, 6).every((part) => part === 0)) return classifyV4(v4At(parts, 6));
  return v6Classes[range] ?? 'reserved';
}

/** The class of an IP address literal (IPv6 with or without brackets); undefined if it is not an IP address. */
export function addressClass(address: string): AddressClass | undefined {
  const bare = address.replace(/^\[(.*)\]$/, '$1');
  // node:net decides what an address literal is (ipaddr.js also accepts forms like `127.1`).
  if (isIPv4(bare)) return classifyV4(ipaddr.IPv4.parse(bare));
  if (isIPv6(bare)) return classifyV6(ipaddr.IPv6.parse(bare));
  return undefined;
}
