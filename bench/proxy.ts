/**
 * Proxy throughput and added latency, next to two baselines measured in the same run:
 *   - direct: the load generator calls the fake upstream itself;
 *   - bare:   a minimal forwarding proxy (node:http + undici) that adds the same two credential
 *             headers and nothing else: no auth, no account lookup, no logging.
 * Switchboard is measured on `POST /unified/proxy` (JSON envelope) and on the raw passthrough
 * `GET /proxy/{account_id}/…`, each request authenticated with the API key, the account loaded
 * and decrypted, credentials injected and a request log written.
 * A fifth row, the "platform floor", is an authenticated route that calls no provider: the cost
 * of routing and the API-key check alone. A sixth, `/unified/proxy` on a second Switchboard
 * process with request logs off (SWITCHBOARD_REQUEST_LOGS=off), shows what recording costs.
 * Every server is its own process (the load generator is this one), at concurrency 1 and 64.
 * Run: npx tsx bench/proxy.ts [seconds per measurement] [rounds]
 * PROF=<dir> writes a CPU profile of the Switchboard process there; BENCH_ONLY=<regex> measures only
 * the matching targets (with the two baselines); BENCH_CONCURRENCY=1,64 sets the levels;
 * BENCH_SERVER=sources runs Switchboard from its TypeScript sources through tsx instead of compiled.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'undici';
import { BENCH_SERVER, SWITCHBOARD } from './lib.js';

const SECONDS = Number(process.argv[2] ?? 4);
const ROUNDS = Number(process.argv[3] ?? 3);
const API_KEY = 'sbk_bench_0123456789abcdefghijklmnop';
const TOKEN = 'bench-token-0123456789-abcdefghij-KLMNOP';
const EMAIL = 'bench@example.com';

const UPSTREAM = `
import http from 'node:http';
const body = JSON.stringify({ _links: { next: null }, count: 3, data: [1, 2, 3].map((id) => ({ id, name: 'Contract ' + id, state: 'signed', workspace_id: 1 })) });
http.createServer((req, res) => {
  req.resume();
  req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }); res.end(body); });
}).listen(0, '127.0.0.1', function () { console.log('listening on http://127.0.0.1:' + this.address().port); });
`;

const BARE = `
import http from 'node:http';
import { Agent, request } from 'undici';
const upstream = process.env.UPSTREAM;
const agent = new Agent({ keepAliveTimeout: 10000, connections: 256 });
http.createServer(async (req, res) => {
  try {
    const up = await request(upstream + req.url, {
      method: req.method, dispatcher: agent,
      headers: { accept: req.headers.accept ?? '*/*', 'x-oneflow-api-token': process.env.TOKEN, 'x-oneflow-user-email': process.env.EMAIL },
      body: req.method === 'GET' || req.method === 'HEAD' ? null : req,
    });
    const headers = { ...up.headers };
    delete headers.connection; delete headers['keep-alive']; delete headers['transfer-encoding'];
    res.writeHead(up.statusCode, headers);
    for await (const chunk of up.body) res.write(chunk);
    res.end();
  } catch (err) { res.writeHead(502); res.end(String(err)); }
}).listen(0, '127.0.0.1', function () { console.log('listening on http://127.0.0.1:' + this.address().port); });
`;

function start(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) resolve({ child, url: m[1]! });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

async function call(
  base: string,
  method: string,
  p: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const res = await fetch(base + p, {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(`${API_KEY}:`).toString('base64')}`,
      'content-type': 'application/json',
      ...headers,
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (res.status >= 300) throw new Error(`${method} ${p}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

interface Target {
  name: string;
  /** The process serving the target: its CPU time per request is reported. */
  pid: number;
  url: URL;
  method: 'GET' | 'POST' | 'DELETE';
  headers: Record<string, string>;
  body?: string;
}

/** CPU time (user + system, ms) used so far by a process and, separately, by its live descendants (the embedded PostgreSQL). Linux only. */
async function cpuMs(pid: number): Promise<{ own: number; children: number }> {
  const procs = new Map<number, { ppid: number; ms: number }>();
  for (const name of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await fs.readFile(`/proc/${name}/stat`, 'utf8').catch(() => null);
    if (!stat) continue;
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // state ppid … utime(11) stime(12), in clock ticks of 10 ms
    procs.set(Number(name), { ppid: Number(f[1]), ms: (Number(f[11]) + Number(f[12])) * 10 });
  }
  const inTree = (p: number): boolean => {
    for (let q = procs.get(p)?.ppid; q; q = procs.get(q)?.ppid) if (q === pid) return true;
    return false;
  };
  let children = 0;
  for (const [p, info] of procs) if (inTree(p)) children += info.ms;
  return { own: procs.get(pid)?.ms ?? 0, children };
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/** Closed-loop load: `concurrency` workers each send one request after the other for `seconds`. */
async function measure(t: Target, concurrency: number, seconds: number) {
  const pool = new Pool(t.url.origin, { connections: concurrency, pipelining: 1, keepAliveTimeout: 10_000 });
  const latencies: number[] = [];
  let errors = 0;
  const one = async () => {
    const t0 = performance.now();
    const res = await pool.request({
      path: t.url.pathname + t.url.search,
      method: t.method,
      headers: t.headers,
      body: t.body ?? null,
    });
    await res.body.text();
    if (res.statusCode !== 200) errors++;
    return performance.now() - t0;
  };
  // Warm-up: connections, JIT, the database pool.
  const warmEnd = performance.now() + 500;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < warmEnd) await one();
    }),
  );
  const cpu0 = await cpuMs(t.pid);
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) latencies.push(await one());
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpu1 = await cpuMs(t.pid);
  const cpuUs = ((cpu1.own - cpu0.own) * 1000) / latencies.length;
  const dbUs = ((cpu1.children - cpu0.children) * 1000) / latencies.length;
  await pool.close();
  latencies.sort((a, b) => a - b);
  return {
    rps: latencies.length / elapsed,
    p50: pct(latencies, 50),
    p99: pct(latencies, 99),
    cpuUs,
    dbUs,
    errors,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const dataDirs: string[] = [];
  const children: ChildProcess[] = [];
  try {
    const upstream = await start(['--input-type=module', '-e', UPSTREAM]);
    children.push(upstream.child);
    const bare = await start(['--input-type=module', '-e', BARE], {
      UPSTREAM: `${upstream.url}/v1`,
      TOKEN,
      EMAIL,
    });
    children.push(bare.child);
    /** A Switchboard process on its own embedded PostgreSQL, with one Oneflow account linked to the fake upstream. */
    const switchboard = async (env: Record<string, string>, prof: boolean) => {
      const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'switchboard-bench-'));
      dataDirs.push(dataDir);
      const sb = await start(
        [
          ...(prof && process.env.PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.PROF}`] : []),
          ...SWITCHBOARD,
          'start',
          '--port',
          '0',
          '--data-dir',
          dataDir,
        ],
        {
          LOG_LEVEL: 'warn',
          SWITCHBOARD_API_KEY: API_KEY,
          SWITCHBOARD_ALLOW_PRIVATE_NETWORK: '1',
          ...env,
        },
      );
      children.push(sb.child);
      const profile = await call(sb.url, 'POST', '/connector_profiles', {
        provider: 'oneflow',
        overrides: { base_url: `${upstream.url}/v1` },
      });
      const session = await call(sb.url, 'POST', '/connect_sessions', {
        origin_owner_id: 'bench',
        origin_owner_name: 'Bench',
      });
      const linked = await fetch(`${sb.url}/hub/accounts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-session-token': String(session.token) },
        body: JSON.stringify({
          integration_id: profile.id,
          credentials: { api_token: TOKEN, user_email: EMAIL },
        }),
      }).then((r) => r.json() as Promise<{ id: string }>);
      return { ...sb, accountId: linked.id };
    };
    const sb = await switchboard({}, true);
    // The same route with request logs off: what recording each call costs (an ablation, not the headline).
    const unlogged = await switchboard({ SWITCHBOARD_REQUEST_LOGS: 'off' }, false);
    const linked = { id: sb.accountId };
    const auth = `Basic ${Buffer.from(`${API_KEY}:`).toString('base64')}`;
    /** `POST /unified/proxy` on one Switchboard process, for the fake upstream's contract list. */
    const envelope = (name: string, s: typeof sb): Target => ({
      name,
      pid: s.child.pid!,
      url: new URL(`${s.url}/unified/proxy`),
      method: 'POST',
      headers: { authorization: auth, 'x-account-id': s.accountId, 'content-type': 'application/json' },
      body: JSON.stringify({ method: 'get', path: '/contracts' }),
    });

    const targets: Target[] = [
      {
        name: 'direct (upstream itself)',
        pid: upstream.child.pid!,
        url: new URL(`${upstream.url}/v1/contracts`),
        method: 'GET',
        headers: { 'x-oneflow-api-token': TOKEN, 'x-oneflow-user-email': EMAIL },
      },
      {
        name: 'bare undici forwarder',
        pid: bare.child.pid!,
        url: new URL(`${bare.url}/contracts`),
        method: 'GET',
        headers: {},
      },
      envelope('POST /unified/proxy', sb),
      // No provider call: what routing, the API-key check and the account header cost on their own.
      {
        name: 'platform floor: DELETE /mcp',
        pid: sb.child.pid!,
        url: new URL(`${sb.url}/mcp`),
        method: 'DELETE',
        headers: { authorization: auth, 'x-account-id': linked.id },
      },
      {
        name: 'GET /proxy/{account}/… (raw)',
        pid: sb.child.pid!,
        url: new URL(`${sb.url}/proxy/${linked.id}/contracts`),
        method: 'GET',
        headers: { authorization: auth },
      },
      envelope('POST /unified/proxy, request logs off', unlogged),
    ];

    // BENCH_ONLY=<regex> measures only the matching targets (the two baselines are always kept).
    const only = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY, 'i') : null;
    const measured = targets.filter((t, i) => i < 2 || !only || only.test(t.name));
    const levels = (process.env.BENCH_CONCURRENCY ?? '1,64').split(',').map(Number);
    for (const concurrency of levels) {
      const runs = new Map<string, Array<Awaited<ReturnType<typeof measure>>>>();
      for (let round = 0; round < ROUNDS; round++) {
        for (const t of measured) {
          const r = await measure(t, concurrency, SECONDS);
          runs.set(t.name, [...(runs.get(t.name) ?? []), r]);
        }
      }
      const summary = new Map(
        [...runs].map(([name, rs]) => [
          name,
          {
            rps: median(rs.map((r) => r.rps)),
            p50: median(rs.map((r) => r.p50)),
            p99: median(rs.map((r) => r.p99)),
            cpuUs: median(rs.map((r) => r.cpuUs)),
            dbUs: median(rs.map((r) => r.dbUs)),
            errors: rs.reduce((n, r) => n + r.errors, 0),
          },
        ]),
      );
      const direct = summary.get(targets[0]!.name)!;
      const bareR = summary.get(targets[1]!.name)!;
      console.log(
        `\nconcurrency ${concurrency} (${ROUNDS} rounds × ${SECONDS} s, medians), server: ${BENCH_SERVER}`,
      );
      console.log(
        '| target | req/s | vs bare | p50 ms | p99 ms | added p50 ms | added p99 ms | server CPU µs/req | its PostgreSQL µs/req | errors |',
      );
      console.log('|---|---|---|---|---|---|---|---|---|---|');
      for (const [name, s] of summary) {
        const isBase = name === targets[0]!.name;
        console.log(
          `| ${name} | ${s.rps.toFixed(0)} | ${(s.rps / bareR.rps).toFixed(2)}× | ${s.p50.toFixed(2)} | ${s.p99.toFixed(2)} | ` +
            `${isBase ? '—' : (s.p50 - direct.p50).toFixed(2)} | ${isBase ? '—' : (s.p99 - direct.p99).toFixed(2)} | ${s.cpuUs.toFixed(0)} | ${s.dbUs ? s.dbUs.toFixed(0) : '—'} | ${s.errors} |`,
        );
      }
    }
  } finally {
    for (const c of children.reverse()) {
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      await exited;
    }
    for (const dir of dataDirs) await fs.rm(dir, { recursive: true, force: true });
  }
}

await main();
