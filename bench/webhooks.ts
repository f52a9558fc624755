/**
 * Webhook deliveries per second to a local receiver, with 1 and 2 server processes on one
 * database, next to a baseline measured in the same run: the bench process POSTing the same
 * signed-size bodies straight to the receiver at the workers' concurrency (16 per process).
 * Run: npx tsx bench/webhooks.ts [events]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { startEmbeddedPostgres } from '../src/store/embedded.js';
import { createVault, generateKeySpec, parseKeyRing } from '../src/core/vault.js';
import { countingReceiver, SWITCHBOARD } from './lib.js';

const EVENTS = Number(process.argv[2] ?? 2000);

function startServer(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...SWITCHBOARD, 'start', '--port', '0'], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const on = (b: Buffer) => {
      out += b.toString();
      if (/listening on/.test(out)) resolve(child);
    };
    child.stdout!.on('data', on);
    child.stderr!.on('data', on);
    child.on('exit', (c) => reject(new Error(`server exited ${c}: ${out}`)));
  });
}

async function stop(child: ChildProcess) {
  const exited = new Promise((r) => child.on('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/** Queues `n` events for one endpoint straight into the outbox tables (as N account changes would). */
async function queue(db: pg.Pool, endpointId: string, projectId: string, n: number) {
  await db.query(
    `WITH ev AS (
       INSERT INTO events (id, project_id, type, account_id, payload, created_at)
       SELECT 'evt_bench_' || g || '_' || $3::text, $1::text, 'account.updated', 'acc_bench',
              jsonb_build_object('event', 'account.updated', 'event_id', 'evt_bench_' || g || '_' || $3::text, 'event_date', now(), 'project_id', $1::text,
                                 'account_id', 'acc_bench', 'provider', 'oneflow', 'origin_owner_id', 'o', 'origin_owner_name', 'O', 'origin_username', null,
                                 'data', jsonb_build_object('id', 'acc_bench', 'provider', 'oneflow', 'status', 'active')), now()
       FROM generate_series(1, $2) g RETURNING id)
     INSERT INTO webhook_deliveries (id, project_id, endpoint_id, event_id, next_attempt_at, retry_until, created_at)
     SELECT 'whd_' || replace(gen_random_uuid()::text, '-', ''), $1::text, $4, ev.id, now(), now() + interval '1 day', now() FROM ev`,
    [projectId, n, String(Date.now()), endpointId],
  );
}

async function baseline(url: string, n: number, concurrency: number) {
  const body = JSON.stringify({
    event: 'account.updated',
    event_id: 'evt_x',
    data: { id: 'acc_bench', provider: 'oneflow', status: 'active' },
  });
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < n) {
        const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        await r.arrayBuffer();
      }
    }),
  );
  return n / ((performance.now() - t0) / 1000);
}

async function main() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sb-bench-wh-'));
  const pgServer = await startEmbeddedPostgres(dir, pino({ level: 'silent' }));
  const rx = await countingReceiver();
  const keys = generateKeySpec('bench');
  const apiKey = 'sbk_bench_webhooks_0123456789';
  const env = {
    DATABASE_URL: pgServer.url(),
    SWITCHBOARD_ENCRYPTION_KEYS: keys,
    SWITCHBOARD_API_KEY: apiKey,
    SWITCHBOARD_ALLOW_PRIVATE_NETWORK: '1',
  };
  const db = new pg.Pool({ connectionString: pgServer.url(), max: 4 });
  try {
    // One start migrates and creates the default project; the runs then start on a clean queue.
    await stop(await startServer(env));
    const projectId = (await db.query<{ id: string }>('SELECT id FROM projects WHERE is_default')).rows[0]!
      .id;
    const endpoint = 'whe_bench';
    const vault = createVault(parseKeyRing(keys));
    await db.query(
      `INSERT INTO webhook_endpoints (id, project_id, url, events, secret, created_at, updated_at)
       VALUES ($1::text, $2, $3::text, ARRAY['*'], $4, now(), now())`,
      [endpoint, projectId, rx.url, vault.seal(`whsec_${Buffer.alloc(24, 7).toString('base64')}`)],
    );

    const results: Array<[string, number]> = [];
    const base = await baseline(rx.url, EVENTS, 16);
    results.push(['baseline: direct POSTs, concurrency 16', base]);
    for (const processes of [1, 2]) {
      await db.query('DELETE FROM webhook_deliveries; DELETE FROM webhook_attempts; DELETE FROM events');
      rx.reset();
      await queue(db, endpoint, projectId, EVENTS);
      const servers = await Promise.all(Array.from({ length: processes }, () => startServer(env)));
      for (;;) {
        const { rows } = await db.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'pending'",
        );
        if (rows[0]!.n === 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      // Delivery rate from the first attempt to the last (start-up excluded), from the delivery log.
      const span = (
        await db.query<{ s: number }>(
          "SELECT extract(epoch FROM max(started_at + duration_ms * interval '1 ms') - min(started_at))::float8 AS s FROM webhook_attempts",
        )
      ).rows[0]!.s;
      const eps = EVENTS / span;
      await Promise.all(servers.map(stop));
      results.push([`switchboard, ${processes} process${processes > 1 ? 'es' : ''} `, eps]);
    }
    console.log(`${EVENTS} events each`);
    for (const [name, eps] of results)
      console.log(
        `${name.padEnd(46)} ${eps.toFixed(0).padStart(6)} events/s  ${(eps / base).toFixed(2)}x baseline`,
      );
  } finally {
    await db.end();
    await rx.close();
    await pgServer.stop();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

await main();
