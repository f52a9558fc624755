/**
 * Cold start to a healthy /health, and the server's memory, each next to a baseline measured
 * in the same run (these machines are noisy):
 *   - node-floor: a bare Node HTTP server process answering /health (process start cost);
 *   - pg-floor:   embedded PostgreSQL initdb + start on a fresh dir (database cost).
 * Run: npx tsx bench/startup.ts [runs]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { startEmbeddedPostgres } from '../src/store/embedded.js';
import { BENCH_SERVER, SWITCHBOARD } from './lib.js';

const RUNS = Number(process.argv[2] ?? 3);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function waitHealthy(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) resolve(m[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

async function poll(url: string) {
  for (;;) {
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 5));
  }
}

function rssMb(pid: number): Promise<number> {
  return fs.readFile(`/proc/${pid}/status`, 'utf8').then((s) => Number(s.match(/VmRSS:\s+(\d+)/)![1]) / 1024);
}

async function stop(child: ChildProcess) {
  const exited = new Promise((r) => child.on('exit', r));
  child.kill('SIGTERM');
  await exited;
}

async function timeSwitchboard(dataDir: string, keepRunning = false) {
  const t0 = performance.now();
  const child = spawn(process.execPath, [...SWITCHBOARD, 'start', '--port', '0', '--data-dir', dataDir], {
    env: { ...process.env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await waitHealthy(child);
  await poll(`${url}/health`);
  const ms = performance.now() - t0;
  if (!keepRunning) await stop(child);
  return { ms, child, url };
}

async function nodeFloor() {
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    [
      '-e',
      "require('http').createServer((q,s)=>s.end('{\"status\":\"ok\"}')).listen(0,'127.0.0.1',function(){console.log('listening on http://127.0.0.1:'+this.address().port)})",
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const url = await waitHealthy(child);
  await poll(`${url}/health`);
  const ms = performance.now() - t0;
  const rss = await rssMb(child.pid!);
  await stop(child);
  return { ms, rss };
}

async function pgFloor(dir: string) {
  const t0 = performance.now();
  const pg = await startEmbeddedPostgres(dir, pino({ level: 'silent' }));
  const ms = performance.now() - t0;
  await pg.stop();
  return ms;
}

async function main() {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'sb-bench-'));
  const rows = {
    nodeFloor: [] as number[],
    nodeRss: [] as number[],
    pgFloor: [] as number[],
    fresh: [] as number[],
    existing: [] as number[],
  };
  try {
    for (let i = 0; i < RUNS; i++) {
      const n = await nodeFloor();
      rows.nodeFloor.push(n.ms);
      rows.nodeRss.push(n.rss);
      rows.pgFloor.push(await pgFloor(path.join(root, `pg-${i}`)));
      const dir = path.join(root, `sb-${i}`);
      rows.fresh.push((await timeSwitchboard(dir)).ms);
      rows.existing.push((await timeSwitchboard(dir)).ms);
    }
    // Memory: idle after start, then after a burst of authenticated API requests.
    const dir = path.join(root, 'sb-mem');
    const key = 'sbk_bench_key_0123456789abcdef';
    const child = spawn(process.execPath, [...SWITCHBOARD, 'start', '--port', '0', '--data-dir', dir], {
      env: { ...process.env, LOG_LEVEL: 'warn', SWITCHBOARD_API_KEY: key },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const url = await waitHealthy(child);
    await poll(`${url}/health`);
    await new Promise((r) => setTimeout(r, 1000));
    const idle = await rssMb(child.pid!);
    const auth = { authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` };
    const N = 4000;
    const CONC = 32;
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CONC }, async () => {
        while (next < N) {
          next++;
          const r = await fetch(`${url}/accounts?page_size=25`, { headers: auth });
          await r.arrayBuffer();
        }
      }),
    );
    const rps = N / ((performance.now() - t0) / 1000);
    const loaded = await rssMb(child.pid!);
    await stop(child);

    const m = (xs: number[]) => median(xs);
    console.log(`runs: ${RUNS} (medians), server: ${BENCH_SERVER}`);
    console.log(
      `node-floor (bare node http server to /health): ${m(rows.nodeFloor).toFixed(0)} ms, RSS ${m(rows.nodeRss).toFixed(1)} MB`,
    );
    console.log(`pg-floor (embedded PostgreSQL initdb + start):  ${m(rows.pgFloor).toFixed(0)} ms`);
    console.log(
      `switchboard start, fresh data dir:    ${m(rows.fresh).toFixed(0)} ms  = ${(m(rows.fresh) / m(rows.nodeFloor)).toFixed(1)}x node-floor, ${(m(rows.fresh) / m(rows.pgFloor)).toFixed(2)}x pg-floor`,
    );
    console.log(
      `switchboard start, existing data dir: ${m(rows.existing).toFixed(0)} ms  = ${(m(rows.existing) / m(rows.nodeFloor)).toFixed(1)}x node-floor`,
    );
    console.log(
      `switchboard RSS idle: ${idle.toFixed(1)} MB (${(idle / m(rows.nodeRss)).toFixed(1)}x node-floor); after ${N} GET /accounts at concurrency ${CONC} (${rps.toFixed(0)} req/s): ${loaded.toFixed(1)} MB`,
    );
    console.log('(RSS is the Node server process; embedded PostgreSQL runs as separate processes)');
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
}

await main();
