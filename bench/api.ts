/**
 * Platform API under load, each next to a baseline measured in the same run: `GET /health`
 * served by the same server process (the floor of HTTP + auth-free routing on this machine).
 *   - connect sessions created per second (POST /connect_sessions);
 *   - GET /accounts with 100,000 accounts in the project: first page, filters, a deep page.
 * Run: npx tsx bench/api.ts
 */
import pg from 'pg';
import { benchDatabase, fmt, load, startServer } from './lib.js';
import { generateKeySpec } from '../src/core/vault.js';

const ACCOUNTS = 100_000;
const API_KEY = 'sbk_bench_api_0123456789abcdefghij';
const auth = { authorization: `Basic ${Buffer.from(`${API_KEY}:`).toString('base64')}` };

async function main() {
  const { pg: database, close } = await benchDatabase();
  const db = new pg.Pool({ connectionString: database.url(), max: 2 });
  const server = await startServer({
    DATABASE_URL: database.url(),
    SWITCHBOARD_ENCRYPTION_KEYS: generateKeySpec('bench'),
    SWITCHBOARD_API_KEY: API_KEY,
  });
  try {
    const project = (await db.query<{ id: string }>('SELECT id FROM projects WHERE is_default')).rows[0]!.id;
    const t0 = performance.now();
    await db.query(
      `INSERT INTO accounts (id, project_id, provider, origin_owner_id, origin_owner_name, status, created_at, updated_at)
       SELECT 'acc_b' || g, $1, (ARRAY['kustomer','salesforce','oneflow'])[1 + g % 3], 'owner-' || (g % 20000), 'Owner ' || g,
              CASE WHEN g % 50 = 0 THEN 'error' ELSE 'active' END, now() - g * interval '1 second', now()
       FROM generate_series(1, $2) g`,
      [project, ACCOUNTS],
    );
    await db.query('ANALYZE accounts');
    console.log(`seeded ${ACCOUNTS} accounts in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const health = () =>
      fetch(`${server.url}/health`)
        .then((r) => r.arrayBuffer())
        .then(() => undefined);
    const get = (path: string) => () =>
      fetch(server.url + path, { headers: auth }).then(async (r) => {
        if (r.status !== 200) throw new Error(`${path}: ${r.status}`);
        await r.arrayBuffer();
      });
    await load(500, 8, health); // warm-up

    const baseline32 = await load(3000, 32, health);
    const sessions = await load(3000, 32, (i) =>
      fetch(`${server.url}/connect_sessions`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({
          origin_owner_id: `o${i}`,
          origin_owner_name: `Owner ${i}`,
          categories: ['crm'],
        }),
      }).then(async (r) => {
        if (r.status !== 201) throw new Error(`session: ${r.status}`);
        await r.arrayBuffer();
      }),
    );
    console.log(`\nconcurrency 32, 3000 requests`);
    console.log(`baseline  GET /health              ${fmt(baseline32)}`);
    console.log(
      `POST /connect_sessions              ${fmt(sessions)}  = ${(sessions.rps / baseline32.rps).toFixed(2)}x baseline`,
    );

    const baseline = await load(1000, 4, health);
    console.log(`\nGET /accounts, ${ACCOUNTS} accounts in the project, concurrency 4, 1000 requests each`);
    console.log(`baseline  GET /health                                  ${fmt(baseline)}`);
    const variants: Array<[string, string]> = [
      ['first page (page_size=25)', '/accounts'],
      ['page_size=100', '/accounts?page_size=100'],
      ['origin_owner_id filter', '/accounts?origin_owner_id=owner-4242'],
      ['providers filter', '/accounts?providers=salesforce&providers=oneflow'],
      ['status=error', '/accounts?status=error'],
      ['page 200 (offset 4,975)', '/accounts?page=200'],
      ['page 2000 (offset 49,975)', '/accounts?page=2000'],
    ];
    for (const [name, path] of variants) {
      const r = await load(1000, 4, get(path));
      console.log(
        `GET /accounts ${name.padEnd(30)} ${fmt(r)}  p99 = ${(r.p99 / baseline.p99).toFixed(1)}x baseline`,
      );
    }
  } finally {
    await server.stop();
    await db.end();
    await close();
  }
}

await main();
