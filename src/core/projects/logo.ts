import type { Deps } from '../deps.js';
import { invalidInput } from '../errors.js';
import { urlPolicyViolation } from '../network-policy.js';

/** A logo is a small picture in a header; anything bigger is a mistake or an attack. */
export const MAX_LOGO_BYTES = 256 * 1024;
const FETCH_TIMEOUT_MS = 10_000;

export interface Logo {
  body: Buffer;
  type: string;
}

/**
 * The raster formats we serve, recognised by their first bytes rather than by the
 * `content-type` the host claims, so a file we later serve as `image/png` is a PNG.
 * SVG is refused: it is a document that can carry script and external references, and no
 * sanitiser is part of this server; a PNG or WebP export of the same logo works everywhere.
 */
function sniff(body: Buffer): string | null {
  const starts = (bytes: number[], at = 0) => bytes.every((b, i) => body[at + i] === b);
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
  if (starts([0x47, 0x49, 0x46, 0x38])) return 'image/gif';
  return null;
}

const looksLikeSvg = (body: Buffer, type: string) =>
  type.includes('svg') ||
  /^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!DOCTYPE svg[^>]*>\s*)?<svg[\s>]/i.test(
    body.subarray(0, 2048).toString('utf8'),
  );

const refuse = (why: string) => invalidInput(`branding.logo_url ${why}`, { field: 'branding.logo_url' });

/** Reads at most `limit + 1` bytes, so an endless body costs no more than the limit. */
async function readCapped(res: Response, limit: number): Promise<Buffer | null> {
  if (!res.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let total = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks);
}

/**
 * Fetches a logo once, when an admin sets it, through the same connection pool and
 * private-network rule as every other outbound call. No redirects (the URL checked is the URL
 * fetched), a timeout, a size cap and a format check; the bytes are then kept and served by us.
 */
export async function fetchLogo(deps: Deps, url: string): Promise<Logo> {
  const problem = urlPolicyViolation(url, deps.settings.allowPrivateNetwork);
  if (problem) throw refuse(problem);
  let res: Response;
  try {
    res = await deps.fetch(url, {
      redirect: 'manual',
      headers: { accept: 'image/png, image/webp, image/jpeg, image/gif' },
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
  } catch (err) {
    const why = (err as Error).name === 'TimeoutError' ? 'timed out' : 'could not be reached';
    throw refuse(`${why}: check the address opens the picture in a browser`);
  }
  if (res.status >= 300 && res.status < 400) {
    await res.body?.cancel();
    throw refuse('answered with a redirect: give the address the picture finally loads from');
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw refuse(`answered HTTP ${res.status}`);
  }
  const declared = Number(res.headers.get('content-length') ?? '0');
  if (declared > MAX_LOGO_BYTES) {
    await res.body?.cancel();
    throw refuse(`is larger than ${MAX_LOGO_BYTES / 1024} KB`);
  }
  const body = await readCapped(res, MAX_LOGO_BYTES).catch(() => {
    throw refuse('could not be read to the end');
  });
  if (!body) throw refuse(`is larger than ${MAX_LOGO_BYTES / 1024} KB`);
  const type = sniff(body);
  if (type) return { body, type };
  if (looksLikeSvg(body, res.headers.get('content-type') ?? ''))
    throw refuse('is an SVG, which is not accepted: give a PNG, WebP or JPEG version of the logo');
  throw refuse('is not a PNG, WebP, JPEG or GIF picture');
}
