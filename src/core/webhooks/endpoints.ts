import type { z } from 'zod';
import type { Deps, ProjectScope } from '../deps.js';
import { AppError, invalidInput } from '../errors.js';
import { newId } from '../ids.js';
import { urlPolicyViolation } from '../network-policy.js';
import {
  EVENT_TYPES,
  type createEndpointSchema,
  type updateEndpointSchema,
  type webhookEndpoint,
} from '../../contract/webhooks.js';
import { newWebhookSecret } from './signing.js';

/** The old secret keeps signing this long after a rotation. */
export const ROTATION_OVERLAP_MS = 24 * 3600 * 1000;

export interface EndpointRow {
  id: string;
  project_id: string;
  url: string;
  events: string[];
  description: string | null;
  active: boolean;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
  /** Attempts in a row that got no answer in time (the circuit breaker, see delivery.ts). */
  consecutive_timeouts: number;
  paused_until: Date | null;
  created_at: Date;
  updated_at: Date;
}

export function endpointToWire(e: EndpointRow): z.input<typeof webhookEndpoint> {
  return {
    id: e.id,
    url: e.url,
    events: e.events,
    description: e.description,
    active: e.active,
    created_at: e.created_at.toISOString(),
    updated_at: e.updated_at.toISOString(),
  };
}

/** Exact event names must exist (an account event, or one an installed connector declares). */
function checkEvents(deps: Deps, events: string[] | undefined) {
  if (!events) return;
  const known = new Set<string>(EVENT_TYPES);
  for (const c of deps.connectors.list()) for (const t of c.events?.types ?? []) known.add(t.name);
  for (const [i, name] of events.entries()) {
    if (name.includes('*') || known.has(name)) continue;
    const near = [...known].filter((k) => k.split('.')[0] === name.split('.')[0]).slice(0, 5);
    throw invalidInput(
      `events[${i}]: unknown event "${name}"${near.length ? `; known: ${near.join(', ')}` : ''}`,
      { field: `events.${i}` },
    );
  }
}

function checkUrl(deps: Deps, url: string) {
  const problem = urlPolicyViolation(url, deps.settings.allowPrivateNetwork);
  if (problem) throw invalidInput(`url ${problem}`, { field: 'url' });
}

/** The secrets that sign right now: the current one, and the previous one during its overlap. */
export function liveSecrets(deps: Deps, e: EndpointRow): string[] {
  const secrets = [deps.vault.open(e.secret)];
  if (
    e.previous_secret &&
    e.previous_secret_expires_at &&
    e.previous_secret_expires_at.getTime() > deps.clock().getTime()
  ) {
    secrets.push(deps.vault.open(e.previous_secret));
  }
  return secrets;
}

export async function createEndpoint(
  deps: Deps,
  scope: ProjectScope,
  input: z.infer<typeof createEndpointSchema>,
) {
  checkUrl(deps, input.url);
  checkEvents(deps, input.events);
  const secret = newWebhookSecret();
  const now = deps.clock();
  const { rows } = await deps.db.query<EndpointRow>(
    `INSERT INTO webhook_endpoints (id, project_id, url, events, description, active, secret, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING *`,
    [
      newId('whe'),
      scope.projectId,
      input.url,
      input.events,
      input.description ?? null,
      input.active ?? true,
      deps.vault.seal(secret),
      now,
    ],
  );
  return { endpoint: rows[0]!, secret };
}

export async function listEndpoints(deps: Deps, scope: ProjectScope) {
  const { rows } = await deps.db.query<EndpointRow>(
    'SELECT * FROM webhook_endpoints WHERE project_id = $1 ORDER BY created_at, id',
    [scope.projectId],
  );
  return rows;
}

export async function getEndpoint(deps: Deps, scope: ProjectScope, id: string): Promise<EndpointRow> {
  const { rows } = await deps.db.query<EndpointRow>(
    'SELECT * FROM webhook_endpoints WHERE project_id = $1 AND id = $2',
    [scope.projectId, id],
  );
  if (!rows[0]) throw new AppError('WEBHOOK_NOT_FOUND', 'Webhook not found');
  return rows[0];
}

export async function updateEndpoint(
  deps: Deps,
  scope: ProjectScope,
  id: string,
  input: z.infer<typeof updateEndpointSchema>,
) {
  const current = await getEndpoint(deps, scope, id);
  if (input.url !== undefined) checkUrl(deps, input.url);
  checkEvents(deps, input.events);
  const { rows } = await deps.db.query<EndpointRow>(
    // A changed URL is a new receiver: the circuit breaker starts closed.
    `UPDATE webhook_endpoints SET url = $3, events = $4, description = $5, active = $6, updated_at = $7,
       consecutive_timeouts = CASE WHEN url = $3 THEN consecutive_timeouts ELSE 0 END,
       paused_until = CASE WHEN url = $3 THEN paused_until ELSE NULL END
     WHERE project_id = $1 AND id = $2 RETURNING *`,
    [
      scope.projectId,
      id,
      input.url ?? current.url,
      input.events ?? current.events,
      input.description === undefined ? current.description : input.description,
      input.active ?? current.active,
      deps.clock(),
    ],
  );
  return rows[0]!;
}

export async function deleteEndpoint(deps: Deps, scope: ProjectScope, id: string) {
  const { rows } = await deps.db.query<EndpointRow>(
    'DELETE FROM webhook_endpoints WHERE project_id = $1 AND id = $2 RETURNING *',
    [scope.projectId, id],
  );
  if (!rows[0]) throw new AppError('WEBHOOK_NOT_FOUND', 'Webhook not found');
  return rows[0];
}

/** A new secret; the old one keeps signing for 24 h so receivers can switch without losing events. */
export async function rotateSecret(deps: Deps, scope: ProjectScope, id: string) {
  const current = await getEndpoint(deps, scope, id);
  const secret = newWebhookSecret();
  const now = deps.clock();
  await deps.db.query(
    `UPDATE webhook_endpoints SET secret = $3, previous_secret = $4, previous_secret_expires_at = $5, updated_at = $6
     WHERE project_id = $1 AND id = $2`,
    [
      scope.projectId,
      id,
      deps.vault.seal(secret),
      current.secret,
      new Date(now.getTime() + ROTATION_OVERLAP_MS),
      now,
    ],
  );
  return secret;
}
