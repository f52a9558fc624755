import type { TestServer } from './server.js';
import { waitFor } from './wait.js';

/**
 * Runs the events and webhook workers until nothing is left: no stored event or subscription
 * pending, every account of the given providers (all when none are given) with its subscription
 * row, no webhook delivery pending. The server's own workers run too, so a single `runOnce`
 * could return while they still hold a row.
 */
export async function settled(server: TestServer, subscribed: string[] | null = null): Promise<void> {
  await waitFor(async () => {
    await server.app.eventsWorker!.runOnce();
    await server.app.webhookWorker!.runOnce();
    const { rows } = await server.app.deps.db.query<{ n: number }>(
      `SELECT ((SELECT count(*) FROM inbound_events WHERE status = 'pending')
        + (SELECT count(*) FROM event_subscriptions WHERE status = 'pending')
        + (SELECT count(*) FROM accounts a WHERE ($1::text[] IS NULL OR a.provider = ANY($1))
           AND NOT EXISTS (SELECT 1 FROM event_subscriptions s WHERE s.account_id = a.id))
        + (SELECT count(*) FROM webhook_deliveries WHERE status = 'pending'))::int AS n`,
      [subscribed],
    );
    return rows[0]!.n === 0;
  }, 20_000);
}
