// A small stand-in for the internet: fake providers answer at the providers' real host names
// (login.salesforce.com, acme.api.kustomerapp.com, …) over TLS with a certificate from a test
// authority. The server under test reaches them through an injected connection pool that maps
// those names to one loopback port and trusts that authority; Chromium gets the same mapping
// (--host-resolver-rules) and trusts the same certificate. Connector files run as shipped: no URL
// overrides, no private-network switch.
import { createHash, X509Certificate } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
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
  /** Requests the front refused: a host or path no fake serves (a test can assert there are none). */
  readonly refused: string[];
  close(): Promise<void>;
}

const routeFor = (routes: Route[], host: string) =>
  routes.find((r) => r.hosts.some((p) => hostMatches(host, p)));

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

/** Starts the TLS front for these routes. Unknown names fail to connect like a DNS miss. */
export async function startInternet(routes: Route[]): Promise<Internet> {
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
  return {
    port,
    http,
    chromiumArgs: [`--host-resolver-rules=${rules}`, `--ignore-certificate-errors-spki-list=${spki}`],
    refused,
    close: async () => {
      await http.close().catch(() => undefined);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
