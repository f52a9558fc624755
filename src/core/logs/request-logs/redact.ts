/**
 * What request logs may keep. Secrets never reach a log row: headers are dropped by name
 * (credentials, cookies, anything that looks like a token) or by value (anything containing one
 * of the account's secrets), and bodies and URLs have known secrets cut out.
 */
export const REDACTED = '[redacted]';

const SENSITIVE_HEADER =
  /^(authorization|proxy-authorization|cookie|set-cookie)$|token|secret|password|passwd|api[-_]?key|session|signature|credential/i;

/** Header and parameter names are few: each is matched against SENSITIVE_HEADER once. */
const sensitiveNames = new Map<string, boolean>();
function sensitiveName(lower: string): boolean {
  let hit = sensitiveNames.get(lower);
  if (hit === undefined) {
    hit = SENSITIVE_HEADER.test(lower);
    if (sensitiveNames.size >= 2000) sensitiveNames.clear();
    sensitiveNames.set(lower, hit);
  }
  return hit;
}

/** Secrets shorter than this are not searched for in text (they would match innocent words). */
const MIN_SECRET = 6;

export const BODY_LOG_LIMIT = 64 * 1024;

function containsSecret(value: string, secrets: readonly string[]): boolean {
  for (const s of secrets) if (s.length >= MIN_SECRET && value.includes(s)) return true;
  return false;
}

/** Header values as strings, sensitive ones replaced by `[redacted]`. */
export function redactHeaders(
  headers: Record<string, string | string[] | undefined>,
  secrets: readonly string[] = [],
  alsoSensitive: ReadonlySet<string> = new Set(),
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) {
    const raw = headers[name];
    if (raw === undefined) continue;
    const value = Array.isArray(raw) ? raw.join(', ') : raw;
    const lower = name.toLowerCase();
    out[lower] =
      sensitiveName(lower) || alsoSensitive.has(lower) || containsSecret(value, secrets) ? REDACTED : value;
  }
  return out;
}

/** Cuts every known secret out of a text. */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= MIN_SECRET && out.includes(s)) out = out.split(s).join(REDACTED);
  return out;
}

/** A URL with the values of sensitive query parameters (and any secret) replaced. */
export function redactUrl(
  url: URL,
  secrets: readonly string[],
  sensitiveParams: ReadonlySet<string> = new Set(),
): string {
  if (!url.search) return redactText(url.toString(), secrets);
  const copy = new URL(url);
  for (const [k, v] of [...copy.searchParams]) {
    if (sensitiveParams.has(k) || SENSITIVE_HEADER.test(k) || containsSecret(v, secrets))
      copy.searchParams.set(k, REDACTED);
  }
  return redactText(copy.toString(), secrets);
}

/**
 * A body as a log keeps it: parsed JSON when it is JSON, text otherwise, secrets cut out,
 * cut at 64 KB. Binary bodies are described, not stored.
 */
export function bodyForLog(
  body: Buffer | string | null | undefined,
  contentType: string | undefined,
  secrets: readonly string[],
): unknown {
  if (body === null || body === undefined || body.length === 0) return null;
  const buf = typeof body === 'string' ? Buffer.from(body) : body;
  if (!isTextual(contentType) && !looksLikeText(buf))
    return `[${buf.length} bytes of ${contentType || 'binary data'}]`;
  const truncated = buf.length > BODY_LOG_LIMIT;
  const text = redactText(buf.subarray(0, BODY_LOG_LIMIT).toString('utf8'), secrets);
  if (!truncated && /json/i.test(contentType ?? '')) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return truncated ? `${text}… [${buf.length} bytes]` : text;
}

export function isTextual(contentType: string | undefined): boolean {
  const ct = (contentType ?? '').toLowerCase();
  return /^text\/|json|xml|javascript|x-www-form-urlencoded|csv|yaml|graphql/.test(ct);
}

/** Without a content type: valid UTF-8 without NULs counts as text. */
export function looksLikeText(buf: Buffer): boolean {
  const sample = buf.subarray(0, 4096);
  if (sample.includes(0)) return false;
  try {
    // stream: a multi-byte character cut by the sample's end is not an error.
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: sample.length < buf.length });
    return true;
  } catch {
    return false;
  }
}
