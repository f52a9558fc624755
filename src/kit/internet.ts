// A small stand-in for the internet: fake providers answer at the providers' real host names
// (login.salesforce.com, acme.api.kustomerapp.com, …) over TLS with a certificate from a test
// authority. The server under test reaches them through an injected connection pool that maps
// those names to one loopback port and trusts that authority; Chromium gets the same mapping
// (--host-resolver-rules) and trusts the same certificate. A server in another process (a real
// `switchboard start`) gets the same through its outbound proxy setting: the stand-in is also an
// HTTP CONNECT proxy, and the process trusts the authority through NODE_EXTRA_CA_CERTS.
// Connector files run as shipped: no URL overrides, no private-network switch.
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, request as httpRequest } from 'node:http';
import { createServer, type Server } from 'node:https';
import { connect as tcpConnect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import selfsigned from 'selfsigned';
import { Agent, buildConnector, type Dispatcher } from 'undici';
import { hostMatches } from '../connectors/hosts.js';

export interface Route {
  /** Exact names or `*.example.com` patterns (a subdomain, as in connector files). */
  hosts: string[];
  /** The fake's plain-http port on 127.0.0.1. */
  port: number;
  /** Paths this host serves (prefixes); anything else answers 404 as a real host would. */
  paths?: string[];
}

export interface Internet {
  /** The TLS front's port: every mapped name connects here. */
  readonly port: number;
  /** What the server under test uses for every outbound call. */
  readonly http: Dispatcher;
  /** Chromium flags that map the same names here and trust the certificate. */
  readonly chromiumArgs: string[];
  /**
   * The environment a server in another process needs to reach the same fakes: the stand-in as
   * its outbound proxy (SWITCHBOARD_OUTBOUND_PROXY) and the test authority (NODE_EXTRA_CA_CERTS).
   */
  readonly processEnv: Record<string, string>;
  /** Requests the front refused: a host or path no fake serves (a test can assert there are none). */
  readonly refused: string[];
  close(): Promise<void>;
}

const routeFor = (routes: Route[], host: string) =>
  routes.find((r) => r.hosts.some((p) => hostMatches(host, p)));

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/**
 * The CONNECT proxy another process's server sends through: a provider name on 443 tunnels to
 * the TLS front, loopback (the test's webhook receivers, our own servers) tunnels as it is, and
 * anything else is refused as a host that does not exist here.
 */
function startProxy(routes: Route[], frontPort: number, refused: string[]) {
  const proxy = createHttpServer((req, res) => {
    refused.push(`proxy ${req.method} ${req.url}`);
    res.writeHead(405, { 'content-type': 'text/plain' }).end('CONNECT only');
  });
  const tunnels = new Set<Socket>();
  proxy.on('connect', (req, client: Socket, head: Buffer) => {
    const target = /^\[?([^\]]+?)\]?:(\d+)$/.exec(req.url ?? '');
    const host = target?.[1]?.toLowerCase() ?? '';
    const port = Number(target?.[2]);
    const to = LOOPBACK.has(host) ? port : port === 443 && routeFor(routes, host) ? frontPort : null;
    if (!to) {
      refused.push(`connect ${req.url}`);
      client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
      return;
    }
    const upstream = tcpConnect(to, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const s of [client, upstream]) {
      tunnels.add(s);
      s.on('close', () => tunnels.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
  });
  return {
    server: proxy,
    close: async () => {
      for (const s of tunnels) s.destroy();
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    },
  };
}

async function certificate(names: string[]) {
  const ca = await selfsigned.generate([{ name: 'commonName', value: 'Switchboard test authority' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  const leaf = await selfsigned.generate([{ name: 'commonName', value: names[0]! }], {
    keyType: 'ec',
    algorithm: 'sha256',
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: names.map((value) => ({ type: 2, value })) },
    ],
  });
  return { ca: ca.cert, key: leaf.private, cert: leaf.cert };
}

export interface InternetOptions {
  /**
   * Pool settings for `http` (say, fewer connections per origin, or a longer keep-alive), for a
   * test of how the server shares its connections to a provider.
   */
  pool?: Omit<Agent.Options, 'connect'>;
}

/** Starts the TLS front for these routes. Unknown names fail to connect like a DNS miss. */
export async function startInternet(routes: Route[], opts: InternetOptions = {}): Promise<Internet> {
  const names = [...new Set(routes.flatMap((r) => r.hosts))];
  const tls = await certificate(names);
  const refused: string[] = [];
  const server: Server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    const route = routeFor(routes, host);
    const path = (req.url ?? '/').split('?')[0]!;
    if (
      !route ||
      (route.paths && !route.paths.some((p) => path === p || path.startsWith(p.endsWith('/') ? p : `${p}/`)))
    ) {
      refused.push(`${req.method} https://${host}${path}`);
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: 'not_found', host, path }));
      return;
    }
    const upstream = httpRequest(
      { host: '127.0.0.1', port: route.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const direct = buildConnector({ timeout: 10_000 });
  const mapped = buildConnector({ timeout: 10_000, ca: tls.ca });
  const http = new Agent({
    keepAliveTimeout: 1_000,
    ...opts.pool,
    connect: (opts, callback) => {
      const host = opts.hostname.replace(/^\[|\]$/g, '');
      // Loopback (our own server, webhook receivers) goes as it is; a provider name goes to the
      // front; any other name does not exist here.
      if (host === '127.0.0.1' || host === 'localhost' || host === '::1') return direct(opts, callback);
      if (opts.protocol !== 'https:' || !routeFor(routes, host)) {
        refused.push(`connect ${opts.protocol}//${host}`);
        return callback(
          Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' }),
          null,
        );
      }
      return mapped({ ...opts, hostname: '127.0.0.1', port: String(port), servername: host }, callback);
    },
  });

  const spki = createHash('sha256')
    .update(new X509Certificate(tls.cert).publicKey.export({ type: 'spki', format: 'der' }))
    .digest('base64');
  const rules = names.map((n) => `MAP ${n} 127.0.0.1:${port}`).join(', ');

  const proxy = startProxy(routes, port, refused);
  await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
  const caDir = mkdtempSync(join(tmpdir(), 'switchboard-test-ca-'));
  writeFileSync(join(caDir, 'ca.pem'), tls.ca);
  return {
    port,
    http,
    chromiumArgs: [`--host-resolver-rules=${rules}`, `--ignore-certificate-errors-spki-list=${spki}`],
    processEnv: {
      SWITCHBOARD_OUTBOUND_PROXY: `http://127.0.0.1:${(proxy.server.address() as AddressInfo).port}`,
      NODE_EXTRA_CA_CERTS: join(caDir, 'ca.pem'),
    },
    refused,
    close: async () => {
      await http.close().catch(() => undefined);
      await proxy.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(caDir, { recursive: true, force: true });
    },
  };
}
