import { z } from 'zod';
import type { Deps, ProjectScope } from '../deps.js';
import { notFound } from '../errors.js';
import { resolvedPolicyViolation } from '../network-policy.js';
import { liveSecrets, getEndpoint, type EndpointRow } from './endpoints.js';
import { signatureHeaders } from './signing.js';
import { DELIVERY_TIMEOUT_MS, LEASE_MS, RETRY_WINDOW_MS, retryDelayMs } from './schedule.js';
import { WEBHOOK_CHANNEL } from './events.js';

export interface DeliveryRow {
  id: string;
  project_id: string;
  endpoint_id: string;
  event_id: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: Date;
  locked_until: Date | null;
  retry_until: Date;
  created_at: Date;
  delivered_at: Date | null;
}

interface Claimed extends DeliveryRow {
  payload: Record<string, unknown>;
  type: string;
  /** The endpoint as it was when claimed (null when it was deleted meanwhile). */
  endpoint: EndpointRow | null;
}

/** Claims due deliveries with a lease; SKIP LOCKED makes N workers in N processes take disjoint rows. */
export async function claimDue(deps: Deps, limit: number): Promise<Claimed[]> {
  const now = deps.clock();
  const { rows } = await deps.db.query<Claimed>(
    `WITH due AS (
       SELECT id FROM webhook_deliveries
       WHERE status = 'pending' AND next_attempt_at <= $1 AND (locked_until IS NULL OR locked_until <= $1)
       ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED
     )
     UPDATE webhook_deliveries d SET locked_until = $3, attempts = d.attempts + 1
     FROM due, events ev WHERE d.id = due.id AND ev.id = d.event_id
     RETURNING d.*, ev.payload, ev.type,
       (SELECT to_jsonb(e) FROM webhook_endpoints e WHERE e.id = d.endpoint_id) AS endpoint`,
    [now, limit, new Date(now.getTime() + LEASE_MS)],
  );
  // to_jsonb turns timestamps into strings; the signing code needs the expiry as a Date.
  for (const r of rows) {
    if (r.endpoint?.previous_secret_expires_at) r.endpoint.previous_secret_expires_at = new Date(r.endpoint.previous_secret_expires_at);
  }
  return rows;
}

/** Reads at most `max` bytes of a receiver's answer, as printable text. */
async function readExcerpt(res: Response, max = 256): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < max) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, max).toString('utf8').replace(/[^\x20-\x7e]+/g, ' ').trim();
}

type Outcome = { ok: true; status: number; excerpt: string } | { ok: false; status: number | null; error: string; excerpt: string };

async function post(deps: Deps, endpoint: EndpointRow, d: Claimed): Promise<Outcome> {
  const problem = await resolvedPolicyViolation(endpoint.url, deps.settings.allowPrivateNetwork);
  if (problem) return { ok: false, status: null, error: `url ${problem}`, excerpt: '' };
  const body = JSON.stringify(d.payload);
  const timestamp = Math.floor(deps.clock().getTime() / 1000);
  try {
    const res = await deps.fetch(endpoint.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Switchboard-Webhooks/1',
        ...signatureHeaders(liveSecrets(deps, endpoint), d.event_id, timestamp, body),
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
    const excerpt = await readExcerpt(res);
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status, excerpt };
    return { ok: false, status: res.status, error: `HTTP ${res.status}`, excerpt };
  } catch (err) {
    const name = (err as Error).name;
    return { ok: false, status: null, error: name === 'TimeoutError' ? `no answer within ${DELIVERY_TIMEOUT_MS / 1000} s` : 'connection failed', excerpt: '' };
  }
}

/** Makes one attempt at a claimed delivery and records it; schedules the next one or gives up. */
export async function attemptDelivery(deps: Deps, d: Claimed): Promise<'delivered' | 'retry' | 'failed'> {
  const started = deps.clock();
  const t0 = performance.now();
  const endpoint = d.endpoint;
  const outcome: Outcome = !endpoint
    ? { ok: false, status: null, error: 'endpoint deleted', excerpt: '' }
    : !endpoint.active
      ? { ok: false, status: null, error: 'endpoint disabled', excerpt: '' }
      : await post(deps, endpoint, d);
  const duration = Math.round(performance.now() - t0);
  const now = deps.clock();
  // Retries continue until the 24 h window closes; the last one lands on its end, then `failed`.
  let status: 'delivered' | 'retry' | 'failed';
  if (outcome.ok) status = 'delivered';
  else if (!endpoint || !endpoint.active || now.getTime() >= d.retry_until.getTime()) status = 'failed';
  else status = 'retry';
  const next = new Date(Math.min(now.getTime() + retryDelayMs(d.attempts), d.retry_until.getTime()));
  // The attempt's log row and the delivery's new state in one round trip.
  await deps.db.query(
    `WITH logged AS (
       INSERT INTO webhook_attempts (delivery_id, attempt, started_at, duration_ms, status_code, error, response_excerpt)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
     )
     UPDATE webhook_deliveries SET status = $8, last_status_code = $5, last_error = $6, locked_until = NULL,
       next_attempt_at = $9, delivered_at = $10 WHERE id = $1`,
    [
      d.id, d.attempts, started, duration, outcome.status, outcome.ok ? null : outcome.error, outcome.excerpt || null,
      status === 'retry' ? 'pending' : status, status === 'retry' ? next : now, status === 'delivered' ? now : null,
    ],
  );
  deps.metrics.webhookDeliveries.inc({ outcome: status });
  return status;
}

export function deliveryToWire(d: DeliveryRow & { type?: string }) {
  return {
    id: d.id,
    event_id: d.event_id,
    event: d.type ?? null,
    status: d.status,
    attempts: d.attempts,
    last_status_code: d.last_status_code,
    last_error: d.last_error,
    next_attempt_at: d.status === 'pending' ? d.next_attempt_at.toISOString() : null,
    created_at: d.created_at.toISOString(),
    delivered_at: d.delivered_at?.toISOString() ?? null,
  };
}

export const listDeliveriesQuery = z.object({
  status: z.enum(['pending', 'delivered', 'failed']).optional(),
  page_size: z.coerce.number().int().min(1).max(500).default(100),
});

export async function listDeliveries(deps: Deps, scope: ProjectScope, endpointId: string, q: z.infer<typeof listDeliveriesQuery>) {
  await getEndpoint(deps, scope, endpointId);
  const { rows } = await deps.db.query<DeliveryRow & { type: string }>(
    `SELECT d.*, ev.type FROM webhook_deliveries d JOIN events ev ON ev.id = d.event_id
     WHERE d.project_id = $1 AND d.endpoint_id = $2 AND ($3::text IS NULL OR d.status = $3)
     ORDER BY d.created_at DESC, d.id DESC LIMIT $4`,
    [scope.projectId, endpointId, q.status ?? null, q.page_size],
  );
  return rows;
}

/** Queues a delivery again now, with a fresh 24 h retry window. */
export async function redeliver(deps: Deps, scope: ProjectScope, endpointId: string, deliveryId: string) {
  const now = deps.clock();
  const { rows } = await deps.db.query<DeliveryRow>(
    `UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = $4, retry_until = $5, locked_until = NULL, delivered_at = NULL
     WHERE project_id = $1 AND endpoint_id = $2 AND id = $3 RETURNING *`,
    [scope.projectId, endpointId, deliveryId, now, new Date(now.getTime() + RETRY_WINDOW_MS)],
  );
  if (!rows[0]) throw notFound('Delivery');
  await deps.db.query(`NOTIFY ${WEBHOOK_CHANNEL}`);
  const type = (await deps.db.query<{ type: string }>('SELECT type FROM events WHERE id = $1', [rows[0].event_id])).rows[0]?.type;
  return { ...rows[0], ...(type ? { type } : {}) };
}
