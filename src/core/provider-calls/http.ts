import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import { Agent, ProxyAgent, fetch as undiciFetch, type Dispatcher } from 'undici';
import { AppError } from '../errors.js';
import { isPrivateAddress } from '../network-policy.js';

/** A provider host that resolved to a loopback, private or link-local address. */
export class PrivateAddressError extends Error {
  readonly code = 'ERR_PRIVATE_ADDRESS';
  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(`${host} resolves to a private network address`);
  }
}

type Resolve = (
  hostname: string,
  options: dns.LookupAllOptions,
  callback: (err: NodeJS.ErrnoException | null, addresses: dns.LookupAddress[]) => void,
) => void;

/**
 * A `lookup` for outbound sockets that refuses private addresses. It runs when the socket
 * connects, on the addresses actually used, so a name that resolves to a public address for a
 * pre-check and to 169.254.169.254 a moment later (DNS rebinding) still cannot get through.
 * IP literals never reach a lookup: `urlPolicyViolation` refuses private ones before a call.
 */
export function guardedLookup(resolve: Resolve = dns.lookup): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const bad = addresses.find((a) => isPrivateAddress(a.address));
      if (bad) return callback(new PrivateAddressError(hostname, bad.address), '', 0);
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first)
        return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
      return callback(null, first.address, first.family);
    });
  };
}

const agents = new Map<string, Dispatcher>();

/**
 * The connection pool for provider calls. One per process (per private-network rule and proxy),
 * like the global fetch's: keep-alive connections to a provider are shared by every account.
 *
 * With `outboundProxy`, every call tunnels through that HTTP proxy with CONNECT, TLS end to end
 * to the provider. The proxy resolves the names, so the private-address check on the socket's
 * resolved address cannot run here: the shape checks (`urlPolicyViolation`) still do, and the
 * proxy's own egress rules must refuse private networks (docs/api.md).
 */
export function providerAgent(allowPrivateNetwork: boolean, outboundProxy?: string): Dispatcher {
  const key = `${allowPrivateNetwork}|${outboundProxy ?? ''}`;
  let agent = agents.get(key);
  if (!agent) {
    agent = outboundProxy
      ? new ProxyAgent({
          uri: outboundProxy,
          keepAliveTimeout: 10_000,
          connections: 256,
          connect: { timeout: 10_000 },
          proxyTunnel: true,
        })
      : new Agent({
          keepAliveTimeout: 10_000,
          connections: 256,
          connect: allowPrivateNetwork ? { timeout: 10_000 } : { timeout: 10_000, lookup: guardedLookup() },
        });
    agents.set(key, agent);
  }
  return agent;
}

/** A `fetch` whose connections come from `dispatcher` (undici's own fetch: the pool and the client are one version). */
export function fetchOver(dispatcher: Dispatcher): typeof fetch {
  const f = (input: Parameters<typeof fetch>[0], init?: RequestInit) =>
    undiciFetch(input as Parameters<typeof undiciFetch>[0], {
      ...(init as Parameters<typeof undiciFetch>[1]),
      dispatcher,
    });
  return f as unknown as typeof fetch;
}

/** The error code of a failed request (undici wraps socket errors in `cause`). */
export const errCode = (err: unknown): string | undefined => {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = e?.code ?? e?.cause?.code;
  return typeof code === 'string' ? code : undefined;
};

/** One response header as a string (the first, when repeated). */
export const header = (h: Record<string, string | string[] | undefined>, name: string) => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

/** Larger buffered responses are refused: the raw passthrough streams them instead. */
export const MAX_BUFFERED_RESPONSE = 10 * 1024 * 1024;

function tooLarge(name: string, max: number) {
  return new AppError(
    'PROVIDER_BAD_RESPONSE',
    `${name}'s response is larger than ${max / 1024 / 1024} MB: use the raw passthrough /proxy/{account_id}/{path}`,
  );
}

/** Reads a whole response body, refusing (502) more than `max` bytes. */
export async function readCapped(res: Dispatcher.ResponseData, max: number, name: string): Promise<Buffer> {
  const declared = Number(header(res.headers, 'content-length') ?? NaN);
  if (declared > max) {
    res.body.destroy();
    throw tooLarge(name, max);
  }
  // A declared length within the cap: read it in one go (the common case, and the fast one).
  if (Number.isFinite(declared)) return Buffer.from(await res.body.arrayBuffer());
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += (chunk as Buffer).length;
    if (size > max) {
      res.body.destroy();
      throw tooLarge(name, max);
    }
    chunks.push(chunk as Buffer);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}
