import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Deps, servesHttps } from '../core/deps.js';

/**
 * The dashboard's session cookie. Over https it is `__Host-` prefixed: the browser then insists
 * on Secure, Path=/ and no Domain, so a sibling subdomain cannot plant or overwrite it.
 */
export function adminCookieName(deps: Deps): string {
  return servesHttps(deps) ? '__Host-sb_session' : 'sb_session';
}

/** The value of one cookie from the Cookie header (no cookie library: this is the only one we read). */
export function readCookie(req: FastifyRequest, name: string): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1 || part.slice(0, eq).trim() !== name) continue;
    const value = part.slice(eq + 1).trim();
    return /^[A-Za-z0-9_-]{1,256}$/.test(value) ? value : null;
  }
  return null;
}

/**
 * Sets (or, with maxAgeS 0, clears) the session cookie: httpOnly (scripts never see it),
 * SameSite=Strict (no cross-site request carries it), Secure when the public URL is https.
 */
export function setAdminCookie(reply: FastifyReply, deps: Deps, value: string, maxAgeS: number) {
  const attrs = [
    `${adminCookieName(deps)}=${value}`,
    'Path=/',
    `Max-Age=${Math.max(0, Math.floor(maxAgeS))}`,
    'HttpOnly',
    'SameSite=Strict',
  ];
  if (servesHttps(deps)) attrs.push('Secure');
  reply.header('set-cookie', attrs.join('; '));
}
