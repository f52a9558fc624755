import fs from 'node:fs/promises';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import pino, { type Logger } from 'pino';
import type { Config } from './config/config.js';
import { type Deps, realTimers, type Timers } from './core/deps.js';
import { createVault, generateKeySpec, parseKeyRing, type Vault } from './core/vault.js';
import { bootstrap, type BootstrapResult } from './core/projects/projects.js';
import { loadConnectors } from './connectors/loader.js';
import { createPool, type Db } from './store/db.js';
import { createMetrics } from './core/metrics.js';
import { fetchOver, providerAgent } from './core/provider-calls/http.js';
import type { Dispatcher } from 'undici';
import { migrate } from './store/migrate.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './store/embedded.js';
import { lockDataDir, type DirLock } from './store/lock.js';
import { buildServer } from './http/server.js';
import { webRoutes } from './http/routes/web.js';
import { hubRoutes } from './http/routes/hub/hub.js';
import { oauthRoutes } from './http/routes/connect/oauth2.js';
import { dashboardRoutes } from './http/routes/dashboard/index.js';
import { startWebhookWorker, type Worker } from './jobs/webhook-worker.js';
import { startEventsWorker } from './jobs/events-worker.js';
import { startRefreshWorker, type RefreshWorker } from './jobs/refresh-worker.js';

export interface RunningApp {
  readonly url: string;
  readonly deps: Deps;
  readonly boot: BootstrapResult;
  readonly embedded: boolean;
  /** Null when started with `workers: false` (tests drive delivery by hand). */
  readonly webhookWorker: Worker | null;
  readonly eventsWorker: Worker | null;
  readonly refreshWorker: RefreshWorker | null;
  /** Every route the HTTP server registered (method + URL template). */
  readonly routes: ReadonlyArray<{ method: string; url: string }>;
  close(): Promise<void>;
}

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'switchboard' },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-hub-session-token"]',
        '*.password',
        '*.client_secret',
        '*.access_token',
        '*.refresh_token',
        '*.api_token',
      ],
      censor: '[redacted]',
    },
  });
}

/** The key ring from SWITCHBOARD_ENCRYPTION_KEYS, or (embedded mode only) a key file in the data dir. */
export async function loadVault(config: Config, log: Logger): Promise<Vault> {
  if (config.encryptionKeys) return createVault(parseKeyRing(config.encryptionKeys));
  const file = path.join(config.dataDir, 'encryption-keys');
  let spec = await fs
    .readFile(file, 'utf8')
    .then((s) => s.trim())
    .catch(() => '');
  if (!spec) {
    spec = generateKeySpec();
    await fs.writeFile(file, `${spec}\n`, { mode: 0o600, flag: 'wx' });
    log.warn(
      { file },
      'generated an encryption key for the embedded database: back up this file, secrets cannot be read without it',
    );
  }
  return createVault(parseKeyRing(spec));
}

/**
 * Starts Switchboard: lock the data dir, start embedded PostgreSQL (unless DATABASE_URL),
 * migrate, bootstrap the default project, load connectors, serve HTTP.
 */
export interface StartOptions {
  log?: Logger;
  clock?: () => Date;
  /** Monotonic time, sleeps and jitter (default: real ones). */
  timers?: Timers;
  workers?: boolean;
  /** The outbound connection pool (default: the provider agent with the private-network rule). */
  http?: Dispatcher;
}

export async function startApp(config: Config, opts: StartOptions = {}): Promise<RunningApp> {
  const log = opts.log ?? createLogger(config.logLevel);
  const cleanups: Array<[string, () => Promise<void>]> = [];
  const cleanup = async () => {
    for (const [step, fn] of cleanups.reverse()) {
      log.debug({ step }, 'shutting down');
      await fn().catch((err) => log.error({ err, step }, 'shutdown step failed'));
    }
    cleanups.length = 0;
  };
  try {
    if (config.databaseUrl && !config.encryptionKeys) {
      throw new Error(
        'SWITCHBOARD_ENCRYPTION_KEYS is required with DATABASE_URL (format kid:base64key, 32-byte keys)',
      );
    }
    let databaseUrl = config.databaseUrl;
    let embedded: EmbeddedDatabase | undefined;
    if (!databaseUrl) {
      const lock: DirLock = await lockDataDir(config.dataDir);
      cleanups.push(['data dir lock', () => lock.release()]);
      embedded = await startEmbeddedPostgres(config.dataDir, log);
      cleanups.push(['embedded PostgreSQL', () => embedded!.stop()]);
      databaseUrl = embedded.url();
    }
    const db: Db = createPool(databaseUrl);
    cleanups.push(['database pool', () => db.end()]);
    const applied = await migrate(db);
    if (applied.length) log.info({ applied }, 'database migrated');
    const vault = await loadVault(config, log);
    const connectors = await loadConnectors(config.connectorsDir);
    const boot = await bootstrap(db, config.apiKey);

    let publicUrl = config.publicUrl;
    const http = opts.http ?? providerAgent(config.allowPrivateNetwork, config.outboundProxy);
    const deps: Deps = {
      db,
      vault,
      connectors,
      log,
      clock: opts.clock ?? (() => new Date()),
      timers: opts.timers ?? realTimers,
      http,
      fetch: fetchOver(http),
      metrics: createMetrics(db),
      settings: {
        publicUrl: () => publicUrl,
        allowPrivateNetwork: config.allowPrivateNetwork,
        outboundProxy: config.outboundProxy !== undefined,
        providerCallLifetimeMs: config.providerCallLifetimeMs,
        requestLogs: {
          enabled: config.requestLogs,
          retentionDays: config.requestLogRetentionDays,
          bodies: config.requestLogBodies,
        },
        hubFrameAncestors: config.hubFrameAncestors,
      },
    };
    // Workers run in `worker` and `all` processes; tests may switch them off and drive them by hand.
    const runWorkers = opts.workers !== false && config.role !== 'api';
    const webhookWorker = runWorkers ? startWebhookWorker(deps, databaseUrl) : null;
    if (webhookWorker) cleanups.push(['webhook worker', () => webhookWorker.stop()]);
    const eventsWorker = runWorkers ? startEventsWorker(deps, databaseUrl) : null;
    if (eventsWorker) cleanups.push(['events worker', () => eventsWorker.stop()]);
    const refreshWorker = runWorkers ? startRefreshWorker(deps) : null;
    if (refreshWorker) cleanups.push(['refresh worker', () => refreshWorker.stop()]);
    let accepting = true;
    const server = buildServer(deps, {
      bodyLimit: config.bodyLimit,
      ready: async () => accepting && (await db.query('SELECT 1')).rowCount === 1,
      extraRoutes: [webRoutes, hubRoutes, oauthRoutes, dashboardRoutes],
      opsOnly: config.role === 'worker',
      metricsToken: config.metricsToken,
      trustProxy: config.trustProxy,
      limits: {
        headersMs: config.headersTimeoutMs,
        bodyMs: config.bodyTimeoutMs,
        maxConnections: config.maxConnections,
      },
    });
    await server.listen({ port: config.port, host: config.host });
    cleanups.push([
      'HTTP server',
      async () => {
        accepting = false;
        await server.close();
      },
    ]);
    const address = server.server.address() as AddressInfo;
    const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
    if (!config.publicUrlExplicit)
      publicUrl = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${address.port}`;
    return {
      url,
      deps,
      boot,
      embedded: embedded !== undefined,
      webhookWorker,
      eventsWorker,
      refreshWorker,
      routes: server.registeredRoutes,
      close: cleanup,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
