// Security review M1 and M8, replayed. M1: 1 MiB of `[[[[…` cost up to a second of CPU per
// request on routes anyone may call (unknown paths, /hub/*, sign-in), and 16 at once made
// /health take 7.8 s. M8: no body timeout, so a client trickling one byte every few seconds held
// its connection for good; nothing bounded how many half-open connections a process kept.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.js';
import { createSession } from './helpers/linking.js';
import { jsonDepthExceeds } from '../src/http/limits.js';
import { waitFor } from './helpers/wait.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer(
    {
      SWITCHBOARD_HEADERS_TIMEOUT_MS: '2000',
      SWITCHBOARD_BODY_TIMEOUT_MS: '2000',
      SWITCHBOARD_MAX_CONNECTIONS: '40',
    },
    { workers: false },
  );
});
afterAll(async () => {
  await server?.close();
});

const deep = (bytes: number) => '['.repeat(bytes / 2) + ']'.repeat(bytes / 2);
const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

async function post(path: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(server.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return {
    status: res.status,
    message: ((await res.json().catch(() => ({}))) as { message?: string }).message,
  };
}

describe('JSON depth, judged before parsing', () => {
  it('counts brackets outside strings only', () => {
    expect(jsonDepthExceeds('{"a":"[[[[[[[[[[[[[[[["}', 3)).toBe(false);
    expect(jsonDepthExceeds('{"a":"\\"[[[[["}', 2)).toBe(false);
    expect(jsonDepthExceeds('[[[[]]]]', 3)).toBe(true);
    expect(jsonDepthExceeds('[[[]]]', 3)).toBe(false);
  });

  it('refuses hostile bodies on every route anyone may call, without parsing them', async () => {
    const session = await createSession(server);
    const mib = deep(1_040_000);
    expect(await post('/nonexistent', mib)).toMatchObject({ status: 404 });
    expect(await post('/hub/accounts', mib)).toMatchObject({ status: 401 });
    // Small limits where no key is needed: a Hub body is at most ~400 KB, a sign-in about 1 KB.
    expect(await post('/hub/accounts', mib, { 'x-hub-session-token': session.token })).toMatchObject({
      status: 413,
    });
    expect(await post('/dashboard/api/session', mib)).toMatchObject({ status: 413 });
    expect(
      await post('/hub/accounts', deep(400_000), { 'x-hub-session-token': session.token }),
    ).toMatchObject({
      status: 400,
      message: 'JSON is nested deeper than 64 levels',
    });
    expect(await post('/connect_sessions', mib, { authorization: basic(server.apiKey) })).toMatchObject({
      status: 400,
      message: 'JSON is nested deeper than 64 levels',
    });
    // Legitimate nesting still parses.
    expect(
      (
        await post(
          '/connect_sessions',
          JSON.stringify({
            origin_owner_id: 'x',
            origin_owner_name: 'X',
            metadata: { a: { b: { c: [1, [2]] } } },
          }),
          { authorization: basic(server.apiKey) },
        )
      ).status,
    ).toBe(201);
  });

  it('16 hostile bodies at once do not slow /health noticeably', async () => {
    const health = async () => {
      const t = performance.now();
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
      return performance.now() - t;
    };
    const session = await createSession(server);
    const quiet: number[] = [];
    for (let i = 0; i < 5; i++) quiet.push(await health());
    const baseline = quiet.sort((a, b) => a - b)[2]!;
    const body = deep(400_000);
    const targets = ['/nonexistent', '/connect_sessions', '/hub/accounts', '/dashboard/api/session'];
    const flood = Array.from({ length: 16 }, (_, i) =>
      post(
        targets[i % 4]!,
        body,
        i % 4 === 1
          ? { authorization: basic(server.apiKey) }
          : i % 4 === 2
            ? { 'x-hub-session-token': session.token }
            : {},
      ),
    );
    let done = false;
    const all = Promise.all(flood).finally(() => (done = true));
    const samples: number[] = [];
    do samples.push(await health());
    while (!done && samples.length < 20);
    const statuses = (await all).map((r) => r.status);
    expect(statuses.every((s) => s >= 400 && s < 500)).toBe(true);
    console.log(
      `/health during 16 hostile bodies: ${samples.length} samples, slowest ${Math.round(Math.max(...samples))} ms (median before: ${baseline.toFixed(1)} ms)`,
    );
    // Before the fix: 7,834 ms. Generous bounds that a loaded 2-core machine still meets.
    expect(Math.max(...samples)).toBeLessThan(Math.max(1_500, baseline * 20));
  });
});

/** A raw socket that sends `head`, then one byte of body every `everyMs`; resolves with when the server closed it. */
function trickle(head: string, everyMs: number): Promise<number> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = net.connect(Number(new URL(server.url).port), '127.0.0.1', () => socket.write(head));
    const timer = setInterval(() => socket.write('{'), everyMs);
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      resolve(performance.now() - started);
    });
  });
}

describe('slow clients', () => {
  it('a body trickled in one byte at a time is cut off at the body deadline', async () => {
    const head = `POST /hub/accounts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n`;
    const closedAfter = await trickle(head, 300);
    expect(closedAfter).toBeGreaterThan(1_500);
    expect(closedAfter).toBeLessThan(10_000);
  });

  it('headers sent slowly are cut off at the headers deadline', async () => {
    const closedAfter = await new Promise<number>((resolve) => {
      const started = performance.now();
      const socket = net.connect(Number(new URL(server.url).port), '127.0.0.1', () =>
        socket.write('GET /health HTTP/1.1\r\nHost: x\r\n'),
      );
      const timer = setInterval(() => socket.write('X-Slow: 1\r\n'), 300);
      socket.on('data', () => undefined);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearInterval(timer);
        resolve(performance.now() - started);
      });
    });
    expect(closedAfter).toBeLessThan(10_000);
  });

  it('half-open connections are bounded: past the cap new ones are refused, and the server stays up', async () => {
    const sockets = await Promise.all(
      Array.from(
        { length: 60 },
        () =>
          new Promise<net.Socket>((resolve) => {
            const s = net.connect(Number(new URL(server.url).port), '127.0.0.1', () => resolve(s));
            s.on('error', () => undefined);
          }),
      ),
    );
    const closed = () => sockets.filter((s) => s.destroyed || s.readyState === 'closed').length;
    // 60 against a cap of 40: at least 20 are closed by the server as they are accepted.
    await waitFor(async () => closed() >= 20, 10_000);
    for (const s of sockets) s.destroy();
    await new Promise((r) => setTimeout(r, 200));
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });
});
