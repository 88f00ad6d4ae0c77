/**
 * What kind of network an IP address belongs to, for the SSRF guard. Addresses that embed an IPv4
 * address (IPv4-mapped, IPv4-compatible, NAT64, 6to4) are judged by the IPv4 address inside, so
 * `::ffff:127.0.0.1` is loopback however it is spelled.
 */
import { isIPv4, isIPv6 } from 'node:net';

export type AddressClass = 'public' | 'loopback' | 'private' | 'link-local' | 'reserved';

type V4 = [number, number, number, number];

function classifyV4([a, b, c]: V4): AddressClass {
  if (a === 127) return 'loopback';
  if (a === 169 && b === 254) return 'link-local'; // includes the instance metadata address 169.254.169.254
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private';
  if (a === 100 && b >= 64 && b <= 127) return 'private'; // carrier-grade NAT, used inside some VPCs
  if (a === 198 && (b === 18 || b === 19)) return 'private'; // benchmarking networks
  if (a === 0 || a >= 224 || (a === 192 && b === 0 && c === 0)) return 'reserved'; // "this network", multicast, reserved, IETF
  return 'public';
}

function parseV4(text: string): V4 {
  return text.split('.').map(Number) as V4;
}

/** The 16 bytes of an IPv6 address (with `::` and a trailing dotted quad handled). */
function parseV6(text: string): number[] {
  let address = text.replace(/%.*$/, ''); // a zone id (fe80::1%eth0) names an interface, not an address
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (quad) {
    const [a, b, c, d] = parseV4(quad[1]!);
    address = `${address.slice(0, -quad[1]!.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = address.split('::');
  const groups = (part: string | undefined) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const left = groups(head);
  const right = groups(tail);
  const all = tail === undefined ? left : [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
  return all.flatMap((group) => [group >> 8, group & 0xff]);
}

function classifyV6(bytes: number[]): AddressClass {
  const at = (i: number) => bytes[i] ?? 0;
  const zeroUpTo = (n: number) => bytes.slice(0, n).every((b) => b === 0);
  const v4At = (i: number): V4 => [at(i), at(i + 1), at(i + 2), at(i + 3)];
  if (zeroUpTo(15) && at(15) === 1) return 'loopback';
  if (zeroUpTo(16)) return 'reserved';
  if (zeroUpTo(10) && at(10) === 0xff && at(11) === 0xff) return classifyV4(v4At(12)); // ::ffff:a.b.c.d
  if (zeroUpTo(12)) return classifyV4(v4At(12)); // ::a.b.c.d (deprecated IPv4-compatible)
  if (at(0) === 0x00 && at(1) === 0x64 && at(2) === 0xff && at(3) === 0x9b && bytes.slice(4, 12).every((b) => b === 0))
    return classifyV4(v4At(12)); // NAT64 64:ff9b::/96
  if (at(0) === 0x20 && at(1) === 0x02) return classifyV4(v4At(2)); // 6to4 2002::/16
  if ((at(0) & 0xfe) === 0xfc) return 'private'; // unique local fc00::/7
  if (at(0) === 0xfe && (at(1) & 0xc0) === 0x80) return 'link-local'; // fe80::/10
  if (at(0) === 0xfe && (at(1) & 0xc0) === 0xc0) return 'private'; // site-local fec0::/10 (deprecated)
  if (at(0) === 0xff) return 'reserved'; // multicast
  return 'public';
}

/** The class of an IP address literal (IPv6 with or without brackets); undefined if it is not an IP address. */
export function addressClass(address: string): AddressClass | undefined {
  const bare = address.replace(/^\[(.*)\]$/, '$1');
  if (isIPv4(bare)) return classifyV4(parseV4(bare));
  if (isIPv6(bare)) return classifyV6(parseV6(bare));
  return undefined;
}
