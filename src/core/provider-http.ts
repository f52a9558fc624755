import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import { Agent } from 'undici';
import { isPrivateAddress } from './network-policy.js';

/** A provider host that resolved to a loopback, private or link-local address. */
export class PrivateAddressError extends Error {
  readonly code = 'ERR_PRIVATE_ADDRESS';
  constructor(readonly host: string, readonly address: string) {
    super(`${host} resolves to a private network address`);
  }
}

type Resolve = (hostname: string, options: dns.LookupAllOptions, callback: (err: NodeJS.ErrnoException | null, addresses: dns.LookupAddress[]) => void) => void;

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
      if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
      return callback(null, first.address, first.family);
    });
  };
}

const agents = new Map<boolean, Agent>();

/**
 * The connection pool for provider calls. One per process (per private-network rule), like the
 * global fetch's: keep-alive connections to a provider are shared by every account.
 */
export function providerAgent(allowPrivateNetwork: boolean): Agent {
  let agent = agents.get(allowPrivateNetwork);
  if (!agent) {
    agent = new Agent({
      keepAliveTimeout: 10_000,
      connections: 256,
      connect: allowPrivateNetwork ? { timeout: 10_000 } : { timeout: 10_000, lookup: guardedLookup() },
    });
    agents.set(allowPrivateNetwork, agent);
  }
  return agent;
}
