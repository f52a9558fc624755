import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

/** What `newId` can produce: a prefix, `_`, then base64url (which includes `-` and `_`). */
export const ID_SHAPE = /^[a-z]+_[\w-]{1,40}$/;

/** A random, URL-safe identifier with a readable prefix, e.g. `acc_3k9…`. */
export function newId(prefix: string, bytes = 12): string {
  return `${prefix}_${randomBytes(bytes).toString('base64url')}`;
}

/** A CSPRNG secret token (256 bits), URL-safe. */
export function newToken(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** Tokens and API keys are stored only as this hash. */
export function hashToken(token: string): Buffer {
  return hash('sha256', token, 'buffer');
}

/** The same hash as text, for in-memory lookups (one call, no Hash object). */
export function hashTokenText(token: string): string {
  return hash('sha256', token, 'base64url');
}

export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
