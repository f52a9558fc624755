/**
 * The refresh worker with 100,000 OAuth accounts of which 1 % are due: the due query's plan and
 * cost (it must not scan all accounts), and refreshes per second against a loopback Kustomer,
 * next to a baseline in the same run — the bench process sending the same number of refresh
 * grants straight to the token endpoint at the worker's concurrency (8).
 * Run: npx tsx bench/refresh.ts
 */
import pino from 'pino';
import { benchDatabase } from './lib.js';
import { startApp } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import { generateKeySpec } from '../src/core/vault.js';
import { startRefreshWorker } from '../src/jobs/refresh-worker.js';
import { startFakeKustomer } from '../test/fakes/kustomer.js';
import { load } from './lib.js';

const TOTAL = 100_000;
const DUE = 1_000;

async function main() {
  const { pg, close } = await benchDatabase();
  const kustomer = await startFakeKustomer();
  const config = loadConfig(['--port', '0'], {
    DATABASE_URL: pg.url(),
    SWITCHBOARD_ENCRYPTION_KEYS: generateKeySpec('bench'),
    SWITCHBOARD_API_KEY: 'sbk_bench_refresh_0123456789',
    SWITCHBOARD_ALLOW_PRIVATE_NETWORK: '1',
    LOG_LEVEL: 'silent',
  });
  const app = await startApp(config, { log: pino({ level: 'silent' }), workers: false });
  const { deps, boot } = app;
  try {
    const client = { clientId: 'bench-client', clientSecret: 'bench-secret-0123456789' };
    kustomer.registerApp({
      ...client,
      redirectUris: [`${deps.settings.publicUrl()}/connect/oauth2/kustomer/callback`],
    });
    const k = kustomer.url;
    const profileId = 'prof_bench';
    await deps.db.query(
      `INSERT INTO connector_profiles (id, project_id, provider, label, environment, overrides, pkce, is_default)
       VALUES ($1, $2, 'kustomer', 'Kustomer', 'production', $3, true, true)`,
      [
        profileId,
        boot.project.projectId,
        { authorization_url: `${k}/oauth/authorize`, token_url: `${k}/oauth/token`, base_url: k },
      ],
    );
    // 99 % not due (tokens valid for hours), 1 % due now with real refresh tokens at the fake.
    await deps.db.query(
      `INSERT INTO accounts (id, project_id, connector_profile_id, provider, origin_owner_id, origin_owner_name, next_refresh_at, created_at, updated_at)
       SELECT 'acc_nd' || g, $1, $2, 'kustomer', 'o' || g, 'O', now() + (1 + g % 1000) * interval '1 minute', now(), now()
       FROM generate_series(1, $3) g`,
      [boot.project.projectId, profileId, TOTAL - DUE],
    );
    const secrets = deps.vault.sealJson({ client_secret: client.clientSecret });
    const rows: unknown[][] = [];
    for (let i = 0; i < DUE; i++) {
      const t = kustomer.issueTokens(client.clientId, 'org.permission.customer offline_access');
      rows.push([
        `acc_due${i}`,
        deps.vault.sealJson({
          access_token: t.access_token,
          refresh_token: t.refresh_token,
          token_type: 'bearer',
        }),
      ]);
    }
    await deps.db.query(
      `INSERT INTO accounts (id, project_id, connector_profile_id, provider, origin_owner_id, origin_owner_name, setup_information, secrets, credentials,
         token_expires_at, next_refresh_at, created_at, updated_at)
       SELECT r.id, $1, $2, 'kustomer', r.id, 'O', $3, $4, r.creds, now() + interval '5 minutes', now() - interval '1 second', now(), now()
       FROM jsonb_to_recordset($5::jsonb) AS r(id text, creds text)`,
      [
        boot.project.projectId,
        profileId,
        { client_id: client.clientId, org_name: 'acme' },
        secrets,
        JSON.stringify(rows.map(([id, creds]) => ({ id, creds }))),
      ],
    );
    await deps.db.query('ANALYZE accounts');

    const dueQuery =
      "SELECT id FROM accounts WHERE status = 'active' AND next_refresh_at <= now() ORDER BY next_refresh_at LIMIT 100";
    const plan = (await deps.db.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${dueQuery}`)).rows.map(
      (r) => r['QUERY PLAN'],
    );
    console.log(`due query on ${TOTAL} accounts (${DUE} due):\n  ${plan.join('\n  ')}`);
    const timeQuery = async () => {
      const t0 = performance.now();
      for (let i = 0; i < 50; i++) await deps.db.query(dueQuery);
      return (performance.now() - t0) / 50;
    };
    const indexed = await timeQuery();
    const seq = await deps.db.connect();
    await seq.query('SET enable_indexscan = off; SET enable_bitmapscan = off');
    const t0 = performance.now();
    for (let i = 0; i < 50; i++) await seq.query(dueQuery);
    const scanned = (performance.now() - t0) / 50;
    seq.release(true);
    console.log(
      `due query: ${indexed.toFixed(2)} ms with the partial index vs ${scanned.toFixed(2)} ms scanning all accounts (${(scanned / indexed).toFixed(0)}x)`,
    );

    // Baseline: the same number of refresh grants, straight to the token endpoint.
    const spare = Array.from(
      { length: DUE },
      () => kustomer.issueTokens(client.clientId, 'org.permission.customer offline_access').refresh_token!,
    );
    const base = await load(DUE, 8, async (i) => {
      const r = await fetch(`${k}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: spare[i]!,
          client_id: client.clientId,
          client_secret: client.clientSecret,
        }),
      });
      await r.arrayBuffer();
    });

    const worker = startRefreshWorker(deps);
    await worker.stop();
    const before = kustomer.refreshRequests;
    const w0 = performance.now();
    let refreshed = 0;
    for (;;) {
      const r = await worker.runOnce();
      refreshed += r.refreshed;
      if (r.refreshed === 0) break;
    }
    const seconds = (performance.now() - w0) / 1000;
    const rate = refreshed / seconds;
    console.log(`baseline: direct refresh grants, concurrency 8   ${base.rps.toFixed(0)} /s`);
    console.log(
      `refresh worker: ${refreshed} refreshed in ${seconds.toFixed(2)} s  ${rate.toFixed(0)} /s = ${(rate / base.rps).toFixed(2)}x baseline; token requests sent: ${kustomer.refreshRequests - before}`,
    );
    const left = (
      await deps.db.query(
        "SELECT count(*)::int AS n FROM accounts WHERE status = 'active' AND next_refresh_at <= now()",
      )
    ).rows[0].n;
    console.log(`due after the run: ${left}`);
  } finally {
    await app.close();
    await kustomer.close();
    await close();
  }
}

await main();
