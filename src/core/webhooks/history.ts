import type { z } from 'zod';
import type { accountEvent } from '../../contract/webhooks.js';
import type { Deps, ProjectScope } from '../deps.js';

export interface AccountEventDelivery {
  id: string;
  endpoint_id: string;
  url: string | null;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: string | null;
}

/**
 * The webhook events of one account, newest first, each with its deliveries (one per subscribed
 * endpoint): what the account's page shows as "webhooks sent". Events outlive the account.
 */
export async function listAccountEvents(
  deps: Deps,
  scope: ProjectScope,
  accountId: string,
  limit = 50,
): Promise<Array<z.input<typeof accountEvent>>> {
  const { rows } = await deps.db.query<{
    id: string;
    type: string;
    created_at: Date;
    deliveries: AccountEventDelivery[];
  }>(
    `SELECT ev.id, ev.type, ev.created_at,
       coalesce(json_agg(json_build_object(
         'id', d.id, 'endpoint_id', d.endpoint_id, 'url', e.url, 'status', d.status, 'attempts', d.attempts,
         'last_status_code', d.last_status_code, 'last_error', d.last_error,
         'delivered_at', to_char(d.delivered_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
       ) ORDER BY d.created_at) FILTER (WHERE d.id IS NOT NULL), '[]') AS deliveries
     FROM events ev
     LEFT JOIN webhook_deliveries d ON d.event_id = ev.id
     LEFT JOIN webhook_endpoints e ON e.id = d.endpoint_id
     WHERE ev.project_id = $1 AND ev.account_id = $2
     GROUP BY ev.id ORDER BY ev.created_at DESC, ev.seq DESC LIMIT $3`,
    [scope.projectId, accountId, limit],
  );
  return rows.map((r) => ({
    id: r.id,
    event: r.type,
    created_at: r.created_at.toISOString(),
    deliveries: r.deliveries,
  }));
}
