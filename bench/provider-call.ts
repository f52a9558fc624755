/**
 * What the fairness and deadline guards add to each provider call, as an A/B in one process
 * against a loopback upstream, rounds interleaved so both sides see the same machine load:
 *   - baseline: the call as before, an undici request on the shared pool with the lifetime as
 *     its `signal`, the answer read whole;
 *   - guarded: the same, plus a slot taken from the project's and account's share
 *     (`ProviderCallGate`) and the request raced against the lifetime (`beforeDeadline`).
 * Prints calls/s of both, at concurrency 1 and 64, and the ratio guarded / baseline.
 * Run: npx tsx bench/provider-call.ts [seconds per measurement] [rounds]
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, type Dispatcher } from 'undici';
import { beforeDeadline, Lifetime } from '../src/core/provider-calls/session.js';
import { DEFAULT_PROVIDER_CALL_LIMITS, ProviderCallGate } from '../src/core/provider-calls/limits.js';

const SECONDS = Number(process.argv[2] ?? 3);
const ROUNDS = Number(process.argv[3] ?? 5);
const body = JSON.stringify({ data: [1, 2, 3].map((id) => ({ id, name: `Contract ${id}` })) });

const upstream = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
const pool = new Agent({ keepAliveTimeout: 10_000, connections: 256 });
const gate = new ProviderCallGate(DEFAULT_PROVIDER_CALL_LIMITS);

async function call(guarded: boolean, worker: number) {
  const lifetime = new Lifetime();
  const timer = setTimeout(() => lifetime.abort(), 60_000);
  // Spread the workers over a few projects and accounts, as real traffic is.
  const release = guarded ? gate.acquire(origin, `p${worker % 4}`, `a${worker % 16}`, 'Bench') : null;
  try {
    const pending = pool.request({
      origin,
      path: '/v1/contracts',
      method: 'GET',
      signal: lifetime,
      headersTimeout: 60_000,
      bodyTimeout: 60_000,
    });
    const res: Dispatcher.ResponseData = guarded ? await beforeDeadline(pending, lifetime) : await pending;
    await res.body.arrayBuffer();
  } finally {
    clearTimeout(timer);
    release?.();
  }
}

async function measure(guarded: boolean, concurrency: number): Promise<number> {
  let count = 0;
  const end = performance.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      while (performance.now() < end) {
        await call(guarded, w);
        count++;
      }
    }),
  );
  return count / SECONDS;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (const concurrency of [1, 64]) {
  await measure(false, concurrency); // warm-up
  const base: number[] = [];
  const guarded: number[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const b = await measure(false, concurrency);
    const g = await measure(true, concurrency);
    base.push(b);
    guarded.push(g);
    ratios.push(g / b);
  }
  console.log(
    `concurrency ${String(concurrency).padStart(2)}: baseline ${median(base).toFixed(0)} calls/s, guarded ${median(guarded).toFixed(0)} calls/s, ` +
      `ratio ${median(ratios).toFixed(3)} (rounds ${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)})`,
  );
}
await pool.close();
upstream.close();
