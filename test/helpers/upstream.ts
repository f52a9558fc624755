import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';

export interface UpstreamRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  /** The body as text when it is small (≤ 64 KB), otherwise ''. */
  body: string;
  bodyBytes: number;
  bodySha256: string;
}

export type Reply = (req: UpstreamRequest, res: ServerResponse) => void;

export interface ScriptedUpstream {
  url: string;
  host: string;
  requests: UpstreamRequest[];
  /** Replies used in order, one per request; when they run out, `fallback` answers. */
  script: Reply[];
  fallback: Reply;
  close(): Promise<void>;
}

export const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Reply =>
  (_req, res) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(text)),
      ...headers,
    });
    res.end(text);
  };

/**
 * A provider stand-in for behaviour the fakes do not script (5xx, redirects, binary bodies,
 * large streams). It hashes bodies as they stream, so multi-megabyte uploads cost no memory.
 */
export async function startUpstream(fallback: Reply = json(200, { ok: true })): Promise<ScriptedUpstream> {
  const requests: UpstreamRequest[] = [];
  const up: ScriptedUpstream = {
    url: '',
    host: '',
    requests,
    script: [],
    fallback,
    close: async () => undefined,
  };
  const server = createServer((req, res) => {
    const hash = createHash('sha256');
    const small: Buffer[] = [];
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      bytes += chunk.length;
      if (bytes <= 65536) small.push(chunk);
    });
    req.on('end', () => {
      const entry: UpstreamRequest = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        body: bytes <= 65536 ? Buffer.concat(small).toString('utf8') : '',
        bodyBytes: bytes,
        bodySha256: hash.digest('hex'),
      };
      requests.push(entry);
      (up.script.shift() ?? up.fallback)(entry, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  up.url = `http://127.0.0.1:${port}`;
  up.host = `127.0.0.1:${port}`;
  up.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return up;
}

/**
 * A loopback port nothing listens on (taken, then let go), for a host name the internet
 * stand-in routes to a provider that is down.
 */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
