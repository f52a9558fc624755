/**
 * Connector events: providers' webhook deliveries accepted (verified, stored, acknowledged) and
 * emitted (sent on to the company's endpoint) per second, next to a baseline measured in the
 * same run: the bench POSTing the same bodies straight to the bare receiver. The deliveries are
 * Kustomer's (a secret header checked, no hydration call), at concurrency 16, one server process.
 * Run: npm run build && npx tsx bench/inbound-events.ts [deliveries]
 */
import pg from 'pg';
import { createVault, generateKeySpec, parseKeyRing } from '../src/core/vault.js';
import { hashTokenText, newToken } from '../src/core/ids.js';
import { benchDatabase, countingReceiver, load, startServer } from './lib.js';

const N = Number(process.argv[2] ?? 2000);
const CONCURRENCY = 16;

const body = (i: number, run: string) =>
  JSON.stringify({
    id: `evt_${run}_${i}`,
    name: 'kustomer.conversation.update',
    org: 'org_bench',
    data: {
      type: 'conversation',
      id: `conv_${i}`,
      attributes: { name: 'Bench', status: 'open', priority: 3 },
    },
    changes: null,
  });

async function main() {
  const database = await benchDatabase();
  const rx = await countingReceiver();
  const keys = generateKeySpec('bench');
  const apiKey = 'sbk_bench_inbound_0123456789';
  const env = {
    DATABASE_URL: database.pg.url(),
    SWITCHBOARD_ENCRYPTION_KEYS: keys,
    SWITCHBOARD_API_KEY: apiKey,
    SWITCHBOARD_ALLOW_PRIVATE_NETWORK: '1',
  };
  const db = new pg.Pool({ connectionString: database.pg.url(), max: 4 });
  const server = await startServer(env);
  try {
    const auth = {
      authorization: `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}`,
      'content-type': 'application/json',
    };
    const profile = (await (
      await fetch(`${server.url}/connector_profiles`, {
        method: 'POST',
        headers: auth,
        body: '{"provider":"kustomer"}',
      })
    ).json()) as { id: string };
    await fetch(`${server.url}/webhooks`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ url: rx.url, events: ['kustomer.*'] }),
    });
    const projectId = (await db.query<{ id: string }>('SELECT id FROM projects WHERE is_default')).rows[0]!
      .id;
    // A linked account with its inbound address and an active subscription, as linking leaves them.
    await db.query(
      `INSERT INTO accounts (id, project_id, connector_profile_id, provider, origin_owner_id, origin_owner_name)
       VALUES ('acc_bench', $1, $2, 'kustomer', 'owner', 'Owner')`,
      [projectId, profile.id],
    );
    const vault = createVault(parseKeyRing(keys));
    const token = newToken();
    const secret = newToken();
    await db.query(
      `INSERT INTO event_inbound (account_id, project_id, provider, token_hash, token, secret, created_at)
       VALUES ('acc_bench', $1, 'kustomer', $2, $3, $4, now())`,
      [projectId, hashTokenText(token), vault.seal(token), vault.seal(secret)],
    );
    await db.query(
      `INSERT INTO event_subscriptions (account_id, project_id, provider, status, provider_id, updated_at)
       VALUES ('acc_bench', $1, 'kustomer', 'active', 'hook_bench', now())`,
      [projectId],
    );
    const inbound = `${server.url}/events/inbound/kustomer/${token}`;
    const headers = { 'content-type': 'application/json', 'x-switchboard-secret': secret };

    const base = await load(N, CONCURRENCY, async (i) => {
      const r = await fetch(rx.url, { method: 'POST', headers, body: body(i, 'base') });
      await r.arrayBuffer();
    });
    rx.reset();
    const t0 = performance.now();
    const accepted = await load(N, CONCURRENCY, async (i) => {
      const r = await fetch(inbound, { method: 'POST', headers, body: body(i, 'run') });
      if (r.status !== 200) throw new Error(`inbound answered ${r.status}: ${await r.text()}`);
      await r.arrayBuffer();
    });
    while (rx.count() < N) await new Promise((r) => setTimeout(r, 10));
    const emitted = N / ((performance.now() - t0) / 1000);
    const dup = (
      await db.query<{ n: number }>("SELECT count(*)::int AS n FROM events WHERE type LIKE 'kustomer.%'")
    ).rows[0]!.n;
    console.log(`${N} deliveries, concurrency ${CONCURRENCY}, one server process`);
    console.log(`baseline: POSTs straight to the receiver     ${base.rps.toFixed(0).padStart(6)} /s`);
    console.log(
      `accepted: verified, stored, acknowledged       ${accepted.rps.toFixed(0).padStart(6)} /s  ${(accepted.rps / base.rps).toFixed(2)}x baseline  p50 ${accepted.p50.toFixed(2)} ms  p99 ${accepted.p99.toFixed(2)} ms`,
    );
    console.log(
      `emitted: first POST to last event delivered    ${emitted.toFixed(0).padStart(6)} /s  ${(emitted / base.rps).toFixed(2)}x baseline`,
    );
    console.log(`events in the outbox: ${dup} (each delivery once)`);
  } finally {
    await server.stop();
    await db.end();
    await rx.close();
    await database.close();
  }
}

await main();
