import net from 'node:net';
import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';

/**
 * The private-network rule: upstream, token and webhook URLs may not point at loopback,
 * private, link-local (cloud metadata) or otherwise internal addresses unless the operator
 * set SWITCHBOARD_ALLOW_PRIVATE_NETWORK=1. Plain http is only accepted under the same switch.
 *
 * Addresses are classified by ipaddr.js, which keeps the IANA special-purpose registries:
 * anything but plain `unicast` is private. IPv6 forms that carry an IPv4 address are judged by
 * that address instead, whatever their own range: on a NAT64/DNS64 network every IPv4-only
 * provider resolves to `64:ff9b::a.b.c.d` (refusing the prefix would refuse them all), and
 * `64:ff9b::a9fe:a9fe` is the metadata service (accepting the prefix would let it through).
 */
export function isPrivateAddress(ip: string): boolean {
  if (net.isIPv4(ip)) return ipaddr.IPv4.parse(ip).range() !== 'unicast';
  if (!net.isIPv6(ip)) return false;
  let v6: ipaddr.IPv6;
  try {
    v6 = ipaddr.IPv6.parse(ip);
  } catch {
    return true;
  }
  const embedded = embeddedIPv4(v6);
  if (embedded) return embedded.some((v4) => v4.range() !== 'unicast');
  return v6.range() !== 'unicast';
}

/** Bytes of an IPv6 address (big-endian) at the given offsets, as an IPv4 address. */
const v4At = (bytes: number[], offsets: number[], xor = 0) =>
  new ipaddr.IPv4(offsets.map((o) => bytes[o]! ^ xor));

/**
 * The IPv4 addresses an IPv6 address stands for, or null when it carries none: IPv4-mapped
 * (`::ffff:0:0/96`) and translated (`::ffff:0:0:0/96`, RFC 6145), the deprecated IPv4-compatible
 * `::/96`, NAT64 (RFC 6052 `64:ff9b::/96`; RFC 8215 local-use `64:ff9b:1::/48`, whose prefix
 * length is the operator's, so every position RFC 6052 §2.2 allows inside it is judged), 6to4
 * (`2002::/16`, RFC 3056) and Teredo (`2001::/32`: server and obfuscated client, RFC 4380).
 */
function embeddedIPv4(v6: ipaddr.IPv6): ipaddr.IPv4[] | null {
  const b = v6.toByteArray();
  const last32 = [12, 13, 14, 15];
  const range = v6.range();
  if (range === 'ipv4Mapped' || range === 'rfc6145') return [v4At(b, last32)];
  if (range === 'unicast' && v6.parts.slice(0, 6).every((p) => p === 0)) return [v4At(b, last32)];
  if (range === 'rfc6052') {
    if (v6.parts[2] === 0) return [v4At(b, last32)];
    // Bits 64–71 (byte 8) are reserved and skipped by every layout.
    return [[6, 7, 9, 10], [7, 9, 10, 11], [9, 10, 11, 12], last32].map((o) => v4At(b, o));
  }
  if (range === '6to4') return [v4At(b, [2, 3, 4, 5])];
  if (range === 'teredo') return [v4At(b, [4, 5, 6, 7]), v4At(b, last32, 0xff)];
  return null;
}

const INTERNAL_NAMES = /(^|\.)(localhost|local|internal|localdomain)$/i;

/** Returns a reason the URL is refused, or null when it is acceptable. */
export function urlPolicyViolation(raw: string, allowPrivate: boolean): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'is not an absolute URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must use https';
  if (url.username || url.password) return 'must not contain credentials';
  if (allowPrivate) return null;
  if (url.protocol !== 'https:') return 'must use https';
  // A trailing dot (`metadata.google.internal.`) names the same host: judge it without.
  const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.+$/, '');
  if (INTERNAL_NAMES.test(host) || (!host.includes('.') && !net.isIP(host)))
    return 'points at a private network host';
  if (net.isIP(host) && isPrivateAddress(host)) return 'points at a private network address';
  return null;
}

/**
 * Resolves a URL's host and refuses it when any address is private (unless allowed). Checked
 * right before a server-side request, after `urlPolicyViolation` checked the URL's shape.
 */
export async function resolvedPolicyViolation(raw: string, allowPrivate: boolean): Promise<string | null> {
  const shape = urlPolicyViolation(raw, allowPrivate);
  if (shape || allowPrivate) return shape;
  const host = new URL(raw).hostname.replace(/^\[|\]$/g, '');
  if (net.isIP(host)) return null;
  try {
    const addresses = await lookup(host, { all: true });
    if (addresses.some((a) => isPrivateAddress(a.address))) return 'resolves to a private network address';
    return null;
  } catch {
    return 'does not resolve';
  }
}
