import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import type { Db } from '../store/db.js';
import type { Vault } from './vault.js';
import type { ConnectorRegistry } from '../connectors/loader.js';
import type { Metrics } from './metrics.js';

/**
 * The world as core code sees it. Time, randomness-free ids aside, network access and the
 * logger all come in here so tests can control them.
 */
export interface Deps {
  readonly db: Db;
  readonly vault: Vault;
  readonly connectors: ConnectorRegistry;
  readonly log: Logger;
  readonly clock: () => Date;
  /** Monotonic time, waits and jitter: the parts of time a test may want to run faster than real. */
  readonly timers: Timers;
  /**
   * Every outbound call (provider API, token, revoke, test action, webhook) goes through this
   * connection pool, so one connect-time rule (the private-network check) applies to all of them.
   * Tests inject one that reaches fake providers at the providers' real host names.
   */
  readonly http: Dispatcher;
  /** `fetch` over `http`. */
  readonly fetch: typeof fetch;
  readonly settings: RuntimeSettings;
  readonly metrics: Metrics;
}

export interface RuntimeSettings {
  /** Where this server is reached from browsers and providers (no trailing slash). */
  publicUrl(): string;
  readonly allowPrivateNetwork: boolean;
  /** Outbound calls go through an egress proxy, which resolves the names (not this process). */
  readonly outboundProxy?: boolean;
  /** Longest a proxy, action or MCP call may spend on the provider, retries included (then 408). */
  readonly providerCallLifetimeMs: number;
  /** Provider calls in flight at once per origin, per project and per account (defaults in provider-limits.ts). */
  readonly providerCallLimits?: { readonly perProject: number; readonly perAccount: number };
  /**
   * Raw-proxy uploads: the longest gap between two chunks of the caller's body, and the longest
   * the upload plus the wait for the provider's headers may take (defaults in provider-calls/session.ts).
   */
  readonly rawUpload?: { readonly idleMs: number; readonly lifetimeMs: number };
  /** Request logs: how many days rows are kept, and whether request/response bodies are stored. */
  readonly requestLogs: {
    readonly enabled: boolean;
    readonly retentionDays: number;
    readonly bodies: boolean;
  };
  /** Origins allowed to frame the embedded Hub (`/embedded/hub`), as a CSP source list; `*` by default. */
  readonly hubFrameAncestors: string;
}

/** Whether browsers reach this server over https (its cookies then take `Secure` and `__Host-`). */
export const servesHttps = (deps: Pick<Deps, 'settings'>): boolean =>
  deps.settings.publicUrl().startsWith('https://');

export interface Timers {
  /** Monotonic milliseconds, for durations and deadlines (never for wall time: that is `clock`). */
  now(): number;
  /** Resolves after `ms` milliseconds. */
  sleep(ms: number): Promise<void>;
  /** A number in [0, 1), for backoff jitter. */
  random(): number;
}

/** Real time. */
export const realTimers: Timers = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: () => Math.random(),
};

/** The project an authenticated caller acts for. */
export interface ProjectScope {
  readonly projectId: string;
  readonly organizationId: number;
}
