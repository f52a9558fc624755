import client from 'prom-client';
import type { Db } from '../store/db.js';

/**
 * Prometheus metrics of one server instance. Labels carry providers, routes and outcomes —
 * never project ids, account ids or anything an end user typed.
 */
export interface Metrics {
  readonly registry: client.Registry;
  readonly httpDuration: client.Histogram<'method' | 'route' | 'status'>;
  readonly providerDuration: client.Histogram<'provider' | 'status'>;
  readonly refreshes: client.Counter<'provider' | 'outcome'>;
  readonly webhookDeliveries: client.Counter<'outcome'>;
  readonly logEntries: client.Counter<'table' | 'outcome'>;
  readonly linkFailures: client.Counter<'connector' | 'reason'>;
  readonly inboundDeliveries: client.Counter<'connector' | 'outcome'>;
  readonly connectorEvents: client.Counter<'connector' | 'outcome'>;
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export function createMetrics(db: Db): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'switchboard_' });
  const httpDuration = new client.Histogram({
    name: 'switchboard_http_request_duration_seconds',
    help: 'HTTP requests served, by route template',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const providerDuration = new client.Histogram({
    name: 'switchboard_provider_request_duration_seconds',
    help: 'Upstream provider requests (proxy, actions, MCP, test actions), by provider and status',
    labelNames: ['provider', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const refreshes = new client.Counter({
    name: 'switchboard_token_refreshes_total',
    help: 'OAuth token refresh attempts by outcome (refreshed, already_fresh, invalid, transient)',
    labelNames: ['provider', 'outcome'] as const,
    registers: [registry],
  });
  const webhookDeliveries = new client.Counter({
    name: 'switchboard_webhook_deliveries_total',
    help: 'Webhook delivery attempts by outcome (delivered, retry, failed)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const logEntries = new client.Counter({
    name: 'switchboard_log_entries_total',
    help: 'Request and platform log entries by table and outcome (written, dropped: queue full, refused by the database or not buildable)',
    labelNames: ['table', 'outcome'] as const,
    registers: [registry],
  });
  const linkFailures = new client.Counter({
    name: 'switchboard_link_failures_total',
    help: 'Link attempts that ended without an account, by connector and reason (a closed set: see docs/api.md)',
    labelNames: ['connector', 'reason'] as const,
    registers: [registry],
  });
  const inboundDeliveries = new client.Counter({
    name: 'switchboard_inbound_deliveries_total',
    help: "Providers' webhook deliveries received, by connector and outcome (accepted, duplicate, handshake, rejected, too_large)",
    labelNames: ['connector', 'outcome'] as const,
    registers: [registry],
  });
  const connectorEvents = new client.Counter({
    name: 'switchboard_connector_events_total',
    help: 'Provider events processed, by connector and outcome (emitted, ignored, retry, failed)',
    labelNames: ['connector', 'outcome'] as const,
    registers: [registry],
  });
  // Read from the database at scrape time: the truth across all processes.
  new client.Gauge({
    name: 'switchboard_queue_depth',
    help: 'Work waiting: webhook deliveries pending, and token refreshes or credential checks due now',
    labelNames: ['queue'] as const,
    registers: [registry],
    async collect() {
      const { rows } = await db.query<{ deliveries: number; refreshes: number; checks: number }>(
        `SELECT (SELECT count(*) FROM webhook_deliveries WHERE status = 'pending')::int AS deliveries,
                (SELECT count(*) FROM accounts WHERE status = 'active' AND next_refresh_at <= now())::int AS refreshes,
                (SELECT count(*) FROM accounts WHERE status = 'active' AND next_check_at <= now())::int AS checks`,
      );
      const r = rows[0]!;
      this.set({ queue: 'webhook_deliveries' }, r.deliveries);
      this.set({ queue: 'token_refreshes_due' }, r.refreshes);
      this.set({ queue: 'credential_checks_due' }, r.checks);
    },
  });
  new client.Gauge({
    name: 'switchboard_accounts',
    help: 'Linked accounts by provider and status, across all projects',
    labelNames: ['provider', 'status'] as const,
    registers: [registry],
    async collect() {
      const { rows } = await db.query<{ provider: string; status: string; n: number }>(
        'SELECT provider, status, count(*)::int AS n FROM accounts GROUP BY provider, status',
      );
      this.reset();
      for (const r of rows) this.set({ provider: r.provider, status: r.status }, r.n);
    },
  });
  return {
    registry,
    httpDuration,
    providerDuration,
    refreshes,
    webhookDeliveries,
    logEntries,
    linkFailures,
    inboundDeliveries,
    connectorEvents,
  };
}
