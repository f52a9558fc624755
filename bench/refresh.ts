/**
 * The refresh worker with 100,000 OAuth accounts of which 1 % are due: the due query's plan and
 * cost (it must not scan all accounts), and refreshes per second against Kustomer as shipped
 * (the generic fake provider at its real host names, through the test internet), next to a baseline in the same run — the bench process sending the same number of refresh
 * grants straight to the token endpoint at the worker's concurrency (8).
 * Run: npx tsx bench/refresh.ts
 */
import pino from 'pino';
import { benchDatabase } from './lib.js';
import { startApp } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import { generateKeySpec } from '../src/core/vault.js';
import { startRefreshWorker } from '../src/jobs/refresh-worker.js';
import { fetch as undiciFetch } from 'undici';
import { BUILTIN_CONNECTORS_DIR, loadConnectors } from '../src/connectors/loader.js';
import { startFakeProvider } from '../src/kit/fake-provider.js';
import { fixturePath, loadFixture } from '../src/kit/fixture.js';
import { startInternet } from '../src/kit/internet.js';
import { load } from './lib.js';

const TOTAL = 100_000;
const DUE = 1_000;

async function main() {
  const { pg, close } = await benchDatabase();
  const fixture = await loadFixture(fixturePath(BUILTIN_CONNECTORS_DIR, 'kustomer'));
  const kustomer = await startFakeProvider((await loadConnectors()).get('kustomer')!, fixture);
  const internet = await startInternet(kustomer.routes);
  const config = loadConfig(['--port', '0'], {
    DATABASE_URL: pg.url(),
    SWITCHBOARD_ENCRYPTION_KEYS: generateKeySpec('bench'),
    SWITCHBOARD_API_KEY: 'sbk_bench_refresh_0123456789',
    LOG_LEVEL: 'silent',
  });
  const app = await startApp(config, { log: pino({ level: 'silent' }), workers: false, http: internet.http });
  const { deps, boot } = app;
  try {
    // The fixture's OAuth client, as an end user enters it in the Hub.
    const client = { clientId: fixture.config.client_id!, clientSecret: fixture.config.client_secret! };
    kustomer.allowRedirectUri(`${deps.settings.publicUrl()}/connect/oauth2/kustomer/callback`);
    const tokenUrl = kustomer.urls.token!.toString();
    const profileId = 'prof_bench';
    await deps.db.query(
      `INSERT INTO connector_profiles (id, project_id, provider, label, environment, overrides, pkce, is_default)
       VALUES ($1, $2, 'kustomer', 'Kustomer', 'production', '{}', true, true)`,
      [profileId, boot.project.projectId],
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
      const t = kustomer.issueTokens() as { access_token: string; refresh_token: string };
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
        { client_id: client.clientId, org_name: fixture.config.org_name },
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
      () => (kustomer.issueTokens() as { refresh_token: string }).refresh_token,
    );
    const base = await load(DUE, 8, async (i) => {
      const r = await undiciFetch(tokenUrl, {
        method: 'POST',
        dispatcher: internet.http,
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
    const before = kustomer.counts.refresh;
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
      `refresh worker: ${refreshed} refreshed in ${seconds.toFixed(2)} s  ${rate.toFixed(0)} /s = ${(rate / base.rps).toFixed(2)}x baseline; token requests sent: ${kustomer.counts.refresh - before}`,
    );
    const left = (
      await deps.db.query(
        "SELECT count(*)::int AS n FROM accounts WHERE status = 'active' AND next_refresh_at <= now()",
      )
    ).rows[0].n;
    console.log(`due after the run: ${left}`);
  } finally {
    await app.close();
    await internet.close();
    await kustomer.close();
    await close();
  }
}

await main();
