import type { z } from 'zod';
import type { ListDeliveriesQuery, webhookDelivery } from '../../contract/webhooks.js';
import type { Deps, ProjectScope } from '../deps.js';
import { AppError } from '../errors.js';
import { transaction } from '../../store/db.js';
import { resolvedPolicyViolation, urlPolicyViolation } from '../network-policy.js';
import { liveSecrets, getEndpoint, type EndpointRow } from './endpoints.js';
import { signatureHeaders } from './signing.js';
import {
  DELIVERY_TIMEOUT_MS,
  ENDPOINT_CONCURRENCY,
  LEASE_MS,
  RETRY_WINDOW_MS,
  TIMING_OUT_DELIVERY_TIMEOUT_MS,
  endpointPauseMs,
  retryDelayMs,
} from './schedule.js';
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

/**
 * Claims due deliveries with a lease; SKIP LOCKED makes N workers in N processes take disjoint rows.
 * The claim is fair rather than oldest-first over everyone (security review M6): each endpoint
 * that is not paused offers its oldest due deliveries, at most `ENDPOINT_CONCURRENCY` minus those
 * already leased; then every project's first offer comes before any project's second, and so on.
 * A backlog of thousands at one endpoint therefore costs another project's event one turn, not
 * the backlog. (Two workers claiming at the same instant may briefly exceed an endpoint's cap.)
 */
export async function claimDue(deps: Deps, limit: number): Promise<Claimed[]> {
  const now = deps.clock();
  const { rows } = await deps.db.query<Claimed>(
    `WITH offered AS (
       SELECT c.id, c.next_attempt_at, c.turn, e.project_id
       FROM webhook_endpoints e
       CROSS JOIN LATERAL (
         SELECT d.id, d.next_attempt_at, row_number() OVER (ORDER BY d.next_attempt_at) AS turn
         FROM webhook_deliveries d
         WHERE d.endpoint_id = e.id AND d.status = 'pending' AND d.next_attempt_at <= $1
           AND (d.locked_until IS NULL OR d.locked_until <= $1)
         ORDER BY d.next_attempt_at
         LIMIT GREATEST(0, $4::int - (SELECT count(*) FROM webhook_deliveries l
                                      WHERE l.endpoint_id = e.id AND l.status = 'pending' AND l.locked_until > $1))
       ) c
       WHERE e.paused_until IS NULL OR e.paused_until <= $1
     ),
     ranked AS (
       SELECT id, next_attempt_at, row_number() OVER (PARTITION BY project_id ORDER BY turn, next_attempt_at) AS project_turn
       FROM offered
     ),
     due AS (
       SELECT d.id FROM ranked r JOIN webhook_deliveries d ON d.id = r.id
       WHERE d.status = 'pending' AND (d.locked_until IS NULL OR d.locked_until <= $1)
       ORDER BY r.project_turn, r.next_attempt_at LIMIT $2
       FOR UPDATE OF d SKIP LOCKED
     )
     UPDATE webhook_deliveries d SET locked_until = $3, attempts = d.attempts + 1
     FROM due, events ev WHERE d.id = due.id AND ev.id = d.event_id
     RETURNING d.*, ev.payload, ev.type,
       (SELECT to_jsonb(e) FROM webhook_endpoints e WHERE e.id = d.endpoint_id) AS endpoint`,
    [now, limit, new Date(now.getTime() + LEASE_MS), ENDPOINT_CONCURRENCY],
  );
  // to_jsonb turns timestamps into strings; the signing code needs the expiry as a Date.
  for (const r of rows) {
    if (r.endpoint?.previous_secret_expires_at)
      r.endpoint.previous_secret_expires_at = new Date(r.endpoint.previous_secret_expires_at);
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
  return Buffer.concat(chunks)
    .subarray(0, max)
    .toString('utf8')
    .replace(/[^\x20-\x7e]+/g, ' ')
    .trim();
}

type Outcome =
  | { ok: true; status: number; excerpt: string }
  | { ok: false; status: number | null; error: string; excerpt: string; timedOut?: boolean };

async function post(deps: Deps, endpoint: EndpointRow, d: Claimed): Promise<Outcome> {
  // Behind an egress proxy the proxy resolves the name (this host may not have DNS for it).
  const problem = deps.settings.outboundProxy
    ? urlPolicyViolation(endpoint.url, deps.settings.allowPrivateNetwork)
    : await resolvedPolicyViolation(endpoint.url, deps.settings.allowPrivateNetwork);
  if (problem) return { ok: false, status: null, error: `url ${problem}`, excerpt: '' };
  const body = JSON.stringify(d.payload);
  const timestamp = Math.floor(deps.clock().getTime() / 1000);
  // A receiver that has been timing out gets less time: it holds a delivery slot while it is silent.
  const timeoutMs = endpoint.consecutive_timeouts > 0 ? TIMING_OUT_DELIVERY_TIMEOUT_MS : DELIVERY_TIMEOUT_MS;
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
      signal: AbortSignal.timeout(timeoutMs),
    });
    const excerpt = await readExcerpt(res);
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status, excerpt };
    return { ok: false, status: res.status, error: `HTTP ${res.status}`, excerpt };
  } catch (err) {
    if ((err as Error).name === 'TimeoutError')
      return {
        ok: false,
        status: null,
        error: `no answer within ${timeoutMs / 1000} s`,
        excerpt: '',
        timedOut: true,
      };
    return { ok: false, status: null, error: 'connection failed', excerpt: '' };
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
  else if (!endpoint?.active || now.getTime() >= d.retry_until.getTime()) status = 'failed';
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
      d.id,
      d.attempts,
      started,
      duration,
      outcome.status,
      outcome.ok ? null : outcome.error,
      outcome.excerpt || null,
      status === 'retry' ? 'pending' : status,
      status === 'retry' ? next : now,
      status === 'delivered' ? now : null,
    ],
  );
  if (endpoint?.active) await recordEndpointHealth(deps, endpoint, outcome, now);
  deps.metrics.webhookDeliveries.inc({ outcome: status });
  return status;
}

/**
 * The circuit breaker: an attempt that got no answer in time pauses the endpoint (5 s, doubling
 * up to 5 min) so its backlog stops taking delivery slots; any answer from the receiver, even an
 * error status, closes it again. A connection refused fails fast and holds no slot, so it does not count.
 */
async function recordEndpointHealth(deps: Deps, endpoint: EndpointRow, outcome: Outcome, now: Date) {
  const timedOut = !outcome.ok && outcome.timedOut === true;
  if (timedOut) {
    // One transaction: nobody sees the count raised without the pause that goes with it.
    await transaction(deps.db, async (tx) => {
      const { rows } = await tx.query<{ n: number }>(
        'UPDATE webhook_endpoints SET consecutive_timeouts = consecutive_timeouts + 1 WHERE id = $1 RETURNING consecutive_timeouts AS n',
        [endpoint.id],
      );
      const n = rows[0]?.n ?? 1;
      await tx.query('UPDATE webhook_endpoints SET paused_until = $2 WHERE id = $1', [
        endpoint.id,
        new Date(now.getTime() + endpointPauseMs(n)),
      ]);
    });
  } else if (outcome.status !== null && endpoint.consecutive_timeouts > 0) {
    await deps.db.query(
      'UPDATE webhook_endpoints SET consecutive_timeouts = 0, paused_until = NULL WHERE id = $1',
      [endpoint.id],
    );
  }
}

export function deliveryToWire(d: DeliveryRow & { type?: string }): z.input<typeof webhookDelivery> {
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

export async function listDeliveries(
  deps: Deps,
  scope: ProjectScope,
  endpointId: string,
  q: ListDeliveriesQuery,
) {
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
  if (!rows[0]) throw new AppError('DELIVERY_NOT_FOUND', 'Delivery not found');
  await deps.db.query(`NOTIFY ${WEBHOOK_CHANNEL}`);
  const type = (
    await deps.db.query<{ type: string }>('SELECT type FROM events WHERE id = $1', [rows[0].event_id])
  ).rows[0]?.type;
  return { ...rows[0], ...(type ? { type } : {}) };
}
