import type pg from 'pg';
import type { Deps, ProjectScope } from '../deps.js';
import { authenticateApiKey } from '../projects/api-keys.js';
import { accountTarget, type AccountTarget, type RefreshOptions } from '../credentials/open.js';
import { hashTokenText } from '../ids.js';

const CHANNEL = 'switchboard_cache';
/** A safety net only: invalidation is by notification, this bounds the life of anything missed. */
const TTL_MS = 60_000;
/** A cached token this close to expiry goes back through accountTarget, which refreshes it. */
const EXPIRY_SKEW_MS = 60_000;
const MAX_ENTRIES = 10_000;
const RELISTEN_MS = 1000;

interface Entry<T> {
  value: T;
  at: number;
}

/**
 * Read-through caches for the hot path of every proxied call: API key → project and account →
 * opened credentials. They are only used while this process LISTENs on PostgreSQL: a trigger
 * announces every change to accounts, connector profiles, API keys and projects on commit
 * (005_request_logs.sql), whichever process or person made it, and the entries go. Without a
 * listening connection nothing is cached, so a suspended account or a revoked key is refused
 * exactly as without caches.
 */
export class HotCache {
  private readonly keys = new Map<string, Entry<ProjectScope>>();
  private readonly targets = new Map<string, Entry<AccountTarget>>();
  /** Bumped by every notification: a load that started before one must not be stored. */
  private generation = 0;
  private client: pg.PoolClient | null = null;
  private listening = false;
  private stopped = false;
  private starting: Promise<void> | null = null;
  private retry: NodeJS.Timeout | null = null;

  constructor(private readonly deps: Deps) {}

  private clear() {
    this.generation++;
    this.keys.clear();
    this.targets.clear();
  }

  private onNotification(payload: string | undefined) {
    this.generation++;
    const [table, id] = (payload ?? '').split(':', 2);
    if (table === 'sync') return;
    if (table === 'accounts' && id) this.targets.delete(id);
    else if (table === 'api_keys') this.keys.clear();
    else this.clear();
  }

  /** Starts listening (once); until the LISTEN is in place every read goes to the database. */
  private ensureListening() {
    if (this.listening || this.starting || this.stopped) return;
    this.starting = this.listen().finally(() => (this.starting = null));
  }

  private async listen() {
    let client: pg.PoolClient | null = null;
    try {
      client = await this.deps.db.connect();
      const mine = client;
      const lost = () => {
        if (this.client !== mine) return;
        this.client = null;
        this.listening = false;
        this.clear();
        mine.release(true);
        this.scheduleRelisten();
      };
      this.client = mine;
      mine.on('error', lost);
      mine.on('end', lost);
      mine.on('notification', (msg) => this.onNotification(msg.payload));
      await mine.query(`LISTEN ${CHANNEL}`);
      if (this.stopped || this.client !== mine) return;
      this.clear();
      this.listening = true;
    } catch (err) {
      this.deps.log.warn({ err }, 'cache invalidation listener failed; serving without caches');
      if (client && this.client === client) {
        this.client = null;
        client.release(true);
      }
      this.scheduleRelisten();
    }
  }

  private scheduleRelisten() {
    if (this.stopped) return;
    this.retry = setTimeout(() => this.ensureListening(), RELISTEN_MS);
    this.retry.unref();
  }

  private fresh<T>(map: Map<string, Entry<T>>, key: string): T | undefined {
    const e = map.get(key);
    if (!e) return undefined;
    if (performance.now() - e.at > TTL_MS) {
      map.delete(key);
      return undefined;
    }
    return e.value;
  }

  private store<T>(map: Map<string, Entry<T>>, key: string, value: T, generation: number) {
    if (!this.listening || generation !== this.generation) return;
    if (map.size >= MAX_ENTRIES) map.delete(map.keys().next().value as string);
    map.set(key, { value, at: performance.now() });
  }

  /** The project of an API key, when this process has it cached (no database read). */
  cachedApiKey(key: string): ProjectScope | undefined {
    this.ensureListening();
    return this.fresh(this.keys, hashTokenText(key));
  }

  /** The project of an API key, or null. */
  async apiKey(key: string): Promise<ProjectScope | null> {
    this.ensureListening();
    const hash = hashTokenText(key);
    const hit = this.fresh(this.keys, hash);
    if (hit) return hit;
    const generation = this.generation;
    const scope = await authenticateApiKey(this.deps.db, key);
    if (scope) this.store(this.keys, hash, scope, generation);
    return scope;
  }

  /**
   * An account's opened credentials. Cached targets are shared between concurrent calls and
   * must not be mutated; `forceRefresh` (after a provider 401) always goes to accountTarget.
   */
  async accountTarget(
    scope: ProjectScope,
    accountId: string,
    opts: RefreshOptions = {},
  ): Promise<AccountTarget> {
    this.ensureListening();
    const hit = opts.forceRefresh ? undefined : this.fresh(this.targets, accountId);
    const expires = hit?.account.token_expires_at?.getTime();
    // Another project's account is as unknown as a made-up id: accountTarget answers 404.
    if (
      hit &&
      hit.account.project_id === scope.projectId &&
      (expires === undefined || expires - EXPIRY_SKEW_MS > this.deps.clock().getTime())
    )
      return hit;
    const generation = this.generation;
    const target = await accountTarget(this.deps, scope, accountId, opts);
    this.store(this.targets, accountId, target, generation);
    return target;
  }

  /**
   * Resolves once every change committed before the call has been applied to the caches (a
   * marker notification comes back after all earlier ones: PostgreSQL delivers in commit order).
   * For tests that change rows by hand and then call the API.
   */
  async sync(): Promise<void> {
    this.ensureListening();
    await this.starting;
    if (!this.listening || !this.client) return;
    const marker = `sync:${Math.random().toString(36).slice(2)}`;
    const client = this.client;
    const seen = new Promise<void>((resolve) => {
      const on = (msg: { payload?: string | undefined }) => {
        if (msg.payload !== marker) return;
        client.off('notification', on);
        resolve();
      };
      client.on('notification', on);
    });
    await this.deps.db.query('SELECT pg_notify($1, $2)', [CHANNEL, marker]);
    await seen;
  }

  async stop() {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    await this.starting;
    const client = this.client;
    this.client = null;
    this.listening = false;
    this.clear();
    client?.release(true);
  }
}

const caches = new WeakMap<Deps, HotCache>();

/** The process's caches for one running app (created on first use). */
export function hotCache(deps: Deps): HotCache {
  let c = caches.get(deps);
  if (!c) {
    c = new HotCache(deps);
    caches.set(deps, c);
  }
  return c;
}
