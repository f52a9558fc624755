import net from 'node:net';
import { lookup } from 'node:dns/promises';

/**
 * The private-network rule: upstream, token and webhook URLs may not point at loopback,
 * private, link-local (cloud metadata) or otherwise internal addresses unless the operator
 * set SWITCHBOARD_ALLOW_PRIVATE_NETWORK=1. Plain http is only accepted under the same switch.
 */
export function isPrivateAddress(ip: string): boolean {
  if (net.isIPv4(ip)) {
    const [a, b] = ip.split('.').map(Number) as [number, number];
    return (
      a === 0 || a === 10 || a === 127 || (a === 100 && b >= 64 && b <= 127) || (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 198 && (b === 18 || b === 19)) || a >= 224
    );
  }
  if (net.isIPv6(ip)) {
    const v = ip.toLowerCase();
    if (v === '::' || v === '::1') return true;
    const mapped = v.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/);
    if (mapped) return isPrivateAddress(mapped[1]!);
    // The URL parser writes IPv4-mapped addresses in hex (`[::ffff:127.0.0.1]` → `::ffff:7f00:1`).
    const hex = v.match(/^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/);
    if (hex) {
      const [hi, lo] = [parseInt(hex[1]!, 16), parseInt(hex[2]!, 16)];
      return isPrivateAddress(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
    }
    return /^(fc|fd|fe8|fe9|fea|feb|ff)/.test(v);
  }
  return false;
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
  if (INTERNAL_NAMES.test(host) || !host.includes('.') && !net.isIP(host)) return 'points at a private network host';
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
