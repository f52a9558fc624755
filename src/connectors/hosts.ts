/**
 * Host ownership: credentials for a connector only ever travel to hosts it owns. A pattern
 * `*.example.com` matches any subdomain (not the apex); a plain pattern matches exactly.
 */
export function hostMatches(host: string, pattern: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  const p = pattern.toLowerCase();
  if (p.startsWith('*.')) {
    const suffix = p.slice(1);
    return h.endsWith(suffix) && h.length > suffix.length && !h.slice(0, -suffix.length).includes('/');
  }
  return h === p;
}

/** The `host[:port]` of an absolute http(s) URL, or null for anything else. */
export function urlHost(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.username || url.password) return null;
  return url.host.toLowerCase();
}
