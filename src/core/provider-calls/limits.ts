import type { Dispatcher } from 'undici';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';

/**
 * How many provider calls may be in flight at once to one provider origin, per project and per
 * account, in one process. The pool keeps at most `POOL_CONNECTIONS_PER_ORIGIN` connections to an
 * origin (`providerAgent`); a project's share is a quarter of it, so one project holding every
 * call it may cannot take the connections another project's call needs (security review M5).
 */
export interface ProviderCallLimits {
  readonly perProject: number;
  readonly perAccount: number;
}

/** Connections the shared pool keeps per provider origin (see `providerAgent`). */
export const POOL_CONNECTIONS_PER_ORIGIN = 256;
export const DEFAULT_PROVIDER_CALL_LIMITS: ProviderCallLimits = { perProject: 64, perAccount: 32 };
/** A refused call may try again this soon: slots free as fast as the provider answers. */
const RETRY_AFTER_SECONDS = 1;

/** Releases a slot; calling it again does nothing (a stream can end and error). */
export type Release = () => void;

/**
 * Counts calls in flight per (origin, project) and (origin, account). A call over either share is
 * refused at once with 429 and a Retry-After rather than queued: a queue would hold the caller's
 * connection for a slot that a slow provider may not free within the call's lifetime, and the
 * caller can retry or slow down on its own terms. Counts are in memory: each process has its own
 * pool, so each process enforces its own share of it.
 */
export class ProviderCallGate {
  private readonly inFlight = new Map<string, number>();

  constructor(readonly limits: ProviderCallLimits) {}

  /** Takes a slot for a call to `origin`, or throws 429 when the project or account is at its share. */
  acquire(origin: string, projectId: string, accountId: string, connectorName: string): Release {
    const projectKey = `${origin} p:${projectId}`;
    const accountKey = `${origin} a:${accountId}`;
    const p = this.inFlight.get(projectKey) ?? 0;
    const a = this.inFlight.get(accountKey) ?? 0;
    if (a >= this.limits.perAccount)
      throw refused(connectorName, origin, 'This account', this.limits.perAccount);
    if (p >= this.limits.perProject)
      throw refused(connectorName, origin, 'This project', this.limits.perProject);
    this.inFlight.set(projectKey, p + 1);
    this.inFlight.set(accountKey, a + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.decrement(projectKey);
      this.decrement(accountKey);
    };
  }

  /** Calls in flight for a project or account on an origin (for tests and metrics). */
  count(origin: string, kind: 'project' | 'account', id: string): number {
    return this.inFlight.get(`${origin} ${kind === 'project' ? 'p' : 'a'}:${id}`) ?? 0;
  }

  private decrement(key: string) {
    const n = (this.inFlight.get(key) ?? 1) - 1;
    // Drop idle keys so the map holds only what is in flight.
    if (n <= 0) this.inFlight.delete(key);
    else this.inFlight.set(key, n);
  }
}

function refused(connectorName: string, origin: string, who: string, limit: number): AppError {
  return new AppError(
    'CONCURRENCY_LIMITED',
    `${who} already has ${limit} calls in flight to ${connectorName}: try again when one has answered`,
    {
      // The error mapper sends a 429's Retry-After from its evidence headers.
      provider: {
        url: origin,
        error: 'concurrency_limit',
        headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
      },
    },
  );
}

const gates = new WeakMap<Dispatcher, ProviderCallGate>();

/** The gate for a connection pool: the shares are shares of that pool. */
export function providerCallGate(deps: Deps): ProviderCallGate {
  let gate = gates.get(deps.http);
  if (!gate) {
    gate = new ProviderCallGate(deps.settings.providerCallLimits ?? DEFAULT_PROVIDER_CALL_LIMITS);
    gates.set(deps.http, gate);
  }
  return gate;
}
