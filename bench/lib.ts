/** Shared pieces of the benchmarks: a PostgreSQL of their own, server processes, load loops. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../src/store/embedded.js';

/**
 * How the benchmarks start `switchboard`: by default as `npm start` does, the compiled server
 * (`npm run build` first); BENCH_SERVER=sources runs the TypeScript sources through tsx.
 */
export const BENCH_SERVER = process.env.BENCH_SERVER ?? 'compiled';
if (BENCH_SERVER !== 'compiled' && BENCH_SERVER !== 'sources')
  throw new Error(`BENCH_SERVER is "compiled" or "sources", not "${BENCH_SERVER}"`);
export const SWITCHBOARD =
  BENCH_SERVER === 'sources'
    ? ['--import', 'tsx', path.resolve('src/cli/main.ts')]
    : [path.resolve('bin/switchboard.js')];

export async function benchDatabase(): Promise<{ pg: EmbeddedDatabase; close: () => Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sb-bench-'));
  const pg = await startEmbeddedPostgres(dir, pino({ level: 'silent' }));
  return {
    pg,
    close: async () => {
      await pg.stop();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/** Starts `switchboard start` as its own process; resolves with its URL. */
export function startServer(
  env: Record<string, string>,
  args: string[] = [],
): Promise<{ child: ChildProcess; url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [...SWITCHBOARD, 'start', '--port', '0', ...args], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const on = (b: Buffer) => {
      out += b.toString();
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) {
        child.stdout!.off('data', on);
        resolve({
          child,
          url: m[1]!,
          stop: async () => {
            const exited = new Promise((r) => child.on('exit', r));
            child.kill('SIGTERM');
            await exited;
          },
        });
      }
    };
    child.stdout!.on('data', on);
    child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    child.on('exit', (c) => reject(new Error(`server exited ${c}: ${out}`)));
  });
}

export const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
}

/** Runs `n` calls of `fn` at `concurrency`; latencies in ms. */
export async function load(
  n: number,
  concurrency: number,
  fn: (i: number) => Promise<void>,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        const s = performance.now();
        await fn(i);
        latencies.push(performance.now() - s);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  return { rps: n / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

export const fmt = (r: LoadResult) =>
  `${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms`;

/** A receiver on 127.0.0.1 that counts what it is sent and answers 200. */
export async function countingReceiver() {
  let count = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      count++;
      res.end('ok');
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    count: () => count,
    reset: () => (count = 0),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
