// Shared plumbing for the fake provider servers. Node built-ins only, so the
// fakes cannot drift with whatever HTTP framework the product happens to use.
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, randomBytes } from 'node:crypto';

export interface FakeServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface LoggedRequest {
  method: string;
  path: string;
  /** Last value wins for repeated keys; use `rawQuery` when repetition matters. */
  query: Record<string, string>;
  rawQuery: string;
  headers: IncomingHttpHeaders;
  /** Raw request body as text ('' when none). */
  body: string;
}

export interface RequestContext extends LoggedRequest {
  req: IncomingMessage;
  res: ServerResponse;
  params: URLSearchParams;
}

export type Handler = (ctx: RequestContext) => void | Promise<void>;

export interface StartedServer extends FakeServer {
  server: Server;
  requests: LoggedRequest[];
}

// Bodies are capped so a runaway client in a test fails loudly instead of
// exhausting memory.
const MAX_BODY_BYTES = 1024 * 1024;

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json;charset=UTF-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  contentType = 'text/plain; charset=utf-8',
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-length': '0', ...headers });
  res.end();
}

export function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { location, 'content-length': '0' });
  res.end();
}

/** Appends query parameters to a URL that may already carry some. */
export function withQuery(base: string, params: Record<string, string | undefined>): string {
  const url = new URL(base);
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined) url.searchParams.set(k, v);
  }
  return url.toString();
}

export function parseForm(body: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(body));
}

/** Media type without parameters, lower-cased ('' when absent). */
export function mediaType(headers: IncomingHttpHeaders): string {
  return (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

export function isFormEncoded(headers: IncomingHttpHeaders): boolean {
  return mediaType(headers) === 'application/x-www-form-urlencoded';
}

export interface BasicCredentials {
  user: string;
  pass: string;
}

/**
 * RFC 6749 §2.3.1 says client_id/secret are form-urlencoded before being put in
 * the Basic header; clients that skip that step still work because decoding a
 * plain value is a no-op for the characters IDs normally contain.
 */
export function parseBasicAuth(headers: IncomingHttpHeaders): BasicCredentials | null {
  const header = headers.authorization;
  if (!header) return null;
  const match = /^basic\s+(.+)$/i.exec(header.trim());
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const sep = decoded.indexOf(':');
  if (sep < 0) return null;
  const formDecode = (s: string): string => {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '));
    } catch {
      return s;
    }
  };
  return { user: formDecode(decoded.slice(0, sep)), pass: formDecode(decoded.slice(sep + 1)) };
}

export function parseBearer(headers: IncomingHttpHeaders, schemes: string[] = ['bearer']): string | null {
  const header = headers.authorization;
  if (!header) return null;
  const sp = header.trim().indexOf(' ');
  if (sp < 0) return null;
  const scheme = header.trim().slice(0, sp).toLowerCase();
  const token = header
    .trim()
    .slice(sp + 1)
    .trim();
  return schemes.includes(scheme) && token ? token : null;
}

export function randomToken(prefix = '', bytes = 24): string {
  return prefix + randomBytes(bytes).toString('base64url');
}

export function pkceS256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** Splits a scope string the way OAuth servers do: on runs of spaces. */
export function scopeList(scope: string | undefined): string[] {
  return (scope ?? '').split(' ').filter((s) => s.length > 0);
}

/**
 * Parses `?page=`-style integer params. Returns `null` for anything that is not
 * a plain base-10 integer so callers can answer 400 instead of guessing.
 */
export function parseIntParam(value: string | null, fallback: number): number | null {
  if (value === null || value === '') return fallback;
  if (!/^-?\d+$/.test(value)) return null;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : null;
}

/** Matches `/a/:b/c` style patterns; returns the captured segments or null. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/');
  const s = path.split('/');
  if (p.length !== s.length) return null;
  const out: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    const want = p[i] ?? '';
    const got = s[i] ?? '';
    if (want.startsWith(':')) {
      if (got === '') return null;
      try {
        out[want.slice(1)] = decodeURIComponent(got);
      } catch {
        return null;
      }
    } else if (want !== got) {
      return null;
    }
  }
  return out;
}

/**
 * Starts `handler` on 127.0.0.1 with an OS-assigned port. Every request is
 * logged before the handler runs, so a test can inspect even requests that
 * crashed the handler; a crash becomes a 500 rather than a hung socket.
 */
export async function startServer(handler: Handler, port = 0): Promise<StartedServer> {
  const requests: LoggedRequest[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      let body = '';
      try {
        body = await readBody(req);
      } catch {
        if (!res.headersSent) sendJson(res, 413, { error: 'request_too_large' });
        return;
      }
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const entry: LoggedRequest = {
        method: (req.method ?? 'GET').toUpperCase(),
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        rawQuery: url.search.replace(/^\?/, ''),
        headers: req.headers,
        body,
      };
      requests.push(entry);
      try {
        await handler({ ...entry, req, res, params: url.searchParams });
        if (!res.headersSent) sendJson(res, 500, { error: 'fake_handler_sent_nothing' });
      } catch (err) {
        if (!res.headersSent) {
          sendJson(res, 500, {
            error: 'fake_handler_crashed',
            message: err instanceof Error ? err.message : String(err),
          });
        } else {
          res.destroy();
        }
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    server,
    requests,
    port: address.port,
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Keep-alive sockets from global fetch would otherwise hold close() open.
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** Fixed-window counter used to produce plausible rate-limit headers. */
export class RateWindow {
  private windowStart = Date.now();
  private used = 0;
  constructor(
    public limit: number,
    public windowMs: number,
  ) {}

  /** Counts one call; returns false when the window is already exhausted. */
  take(now = Date.now()): boolean {
    this.roll(now);
    if (this.used >= this.limit) return false;
    this.used++;
    return true;
  }

  remaining(now = Date.now()): number {
    this.roll(now);
    return Math.max(0, this.limit - this.used);
  }

  resetAt(now = Date.now()): number {
    this.roll(now);
    return this.windowStart + this.windowMs;
  }

  clear(): void {
    this.windowStart = Date.now();
    this.used = 0;
  }

  private roll(now: number): void {
    if (now - this.windowStart >= this.windowMs) {
      this.windowStart = now;
      this.used = 0;
    }
  }
}

/**
 * Fake clock shared by a fake's token stores so tests can jump past expiry
 * without sleeping.
 */
export class FakeClock {
  offsetMs = 0;
  now(): number {
    return Date.now() + this.offsetMs;
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
