import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestServer, type TestServer } from './helpers/server.js';
import { createSession } from './helpers/linking.js';
import { OPERATIONS } from '../src/http/openapi.js';

/**
 * Property-based fuzzing of every public endpoint from its route schema: wrong types, missing
 * fields, huge strings and arrays, unicode, deep JSON, invalid JSON, wrong content types,
 * duplicate query keys, odd path ids. Properties: no 5xx, every 4xx in the contract's error
 * shape, and no row written by a rejected request.
 */
const RUNS_PER_OPERATION = Number(process.env.FUZZ_RUNS ?? 40);

let server: TestServer;
let hubToken: string;
let tried = 0;

beforeAll(async () => {
  server = await startTestServer({ SWITCHBOARD_BODY_LIMIT: String(256 * 1024) }, { workers: false });
  hubToken = (await createSession(server, { origin_owner_id: 'fuzz' })).token;
});
afterAll(async () => {
  console.log(`fuzz: ${tried} requests over ${OPERATIONS.length} operations`);
  await server?.close();
});

async function rowCount(): Promise<number> {
  const { rows } = await server.app.deps.db.query<{ n: number }>(
    `SELECT sum(n)::int AS n FROM (
       SELECT count(*) AS n FROM accounts UNION ALL SELECT count(*) FROM connect_sessions UNION ALL SELECT count(*) FROM connector_profiles
       UNION ALL SELECT count(*) FROM webhook_endpoints UNION ALL SELECT count(*) FROM events UNION ALL SELECT count(*) FROM connection_attempts
       UNION ALL SELECT count(*) FROM oauth_states UNION ALL SELECT count(*) FROM api_keys) t`,
  );
  return rows[0]!.n;
}

// Up to the review's M1 attack: ~240 KB of nested brackets (under this server's 256 KB limit).
const deepJson = fc
  .oneof(fc.integer({ min: 50, max: 3000 }), fc.constant(120_000))
  .map((d) => '['.repeat(d) + ']'.repeat(d));
const hugeString = fc.integer({ min: 10_000, max: 300_000 }).map((n) => 'x'.repeat(n));
const weird = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '../../etc/passwd',
    '%00',
    '💥'.repeat(30),
    'a'.repeat(400),
    '__proto__',
    'constructor',
    // The review's addresses that hide loopback and metadata inside IPv6 (L5), and an internal name.
    'https://[64:ff9b::a9fe:a9fe]/v1',
    'https://[::127.0.0.1]',
    'https://[::ffff:0:127.0.0.1]',
    'https://[2002:7f00:1::1]',
    'https://[fec0::1]',
    'https://metadata.google.internal./',
  ),
);

/** Values for an object shaped like the schema, each property of a random (often wrong) type. */
function shapedBody(schema: z.ZodType) {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, unknown>;
  };
  const keys = Object.keys(json.properties ?? {});
  if (keys.length === 0) return fc.jsonValue();
  return fc.record(
    Object.fromEntries(
      keys.map((k) => [
        k,
        fc.oneof(fc.jsonValue(), weird, hugeString, fc.array(fc.jsonValue(), { maxLength: 2000 })),
      ]),
    ),
    { requiredKeys: [] },
  );
}

type Input = { path: string; query: string; body: string | undefined; contentType: string | undefined };

function inputs(op: (typeof OPERATIONS)[number]): fc.Arbitrary<Input> {
  const path = fc.tuple(...[...op.path.matchAll(/\{[a-z_]+\}/g)].map(() => weird)).map((ids) => {
    let i = 0;
    return op.path.replace(/\{[a-z_]+\}/g, () => encodeURIComponent(ids[i++] || 'x'));
  });
  const query = fc.oneof(
    fc.constant(''),
    fc
      .array(
        fc.tuple(
          fc.constantFrom(
            'page',
            'page_size',
            'status',
            'providers',
            'account_ids',
            'include',
            'filter[connectors]',
            'next',
            'success',
            'start_date',
            'x',
          ),
          weird,
        ),
        { maxLength: 8 },
      )
      .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')),
  );
  const hasBody = op.method === 'post' || op.method === 'patch' || op.method === 'put';
  const body = hasBody
    ? fc.oneof(
        fc.jsonValue().map((v) => ({ body: JSON.stringify(v), contentType: 'application/json' })),
        (op.body ? shapedBody(op.body) : fc.jsonValue()).map((v) => ({
          body: JSON.stringify(v),
          contentType: 'application/json',
        })),
        deepJson.map((b) => ({ body: b, contentType: 'application/json' })),
        fc.string({ maxLength: 50 }).map((b) => ({ body: `{${b}`, contentType: 'application/json' })),
        fc.jsonValue().map((v) => ({ body: JSON.stringify(v), contentType: 'text/plain' })),
        fc.constant({ body: 'a=1&b=2', contentType: 'application/x-www-form-urlencoded' }),
        fc.constant({ body: undefined as string | undefined, contentType: undefined as string | undefined }),
      )
    : fc.constant({ body: undefined as string | undefined, contentType: undefined as string | undefined });
  return fc.tuple(path, query, body).map(([p, q, b]) => ({ path: p, query: q, ...b }));
}

const fuzzed = OPERATIONS.filter((o) => o.auth !== 'none' || o.path.startsWith('/connect/oauth2'));

describe('fuzzing every public endpoint', () => {
  it.each(fuzzed.map((o) => [`${o.method.toUpperCase()} ${o.path}`, o] as const))('%s', async (_name, op) => {
    await fc.assert(
      fc.asyncProperty(inputs(op), async (input) => {
        tried++;
        const before = await rowCount();
        const headers: Record<string, string> = {};
        if (op.auth === 'apiKey')
          headers.authorization = `Basic ${Buffer.from(`${server.apiKey}:`).toString('base64')}`;
        if (op.auth === 'hubSession') headers['x-hub-session-token'] = hubToken;
        if (op.path === '/unified/proxy' || op.path.startsWith('/mcp') || op.path === '/actions/rpc')
          headers['x-account-id'] = 'acc_fuzz_missing';
        if (input.contentType) headers['content-type'] = input.contentType;
        const res = await fetch(`${server.url}${input.path}${input.query ? `?${input.query}` : ''}`, {
          method: op.method.toUpperCase(),
          headers,
          ...(input.body !== undefined ? { body: input.body } : {}),
          redirect: 'manual',
        });
        const text = await res.text();
        expect(
          res.status,
          `${op.method} ${input.path}?${input.query.slice(0, 200)} → ${res.status} ${text.slice(0, 300)}`,
        ).toBeLessThan(500);
        if (res.status >= 400 && res.headers.get('content-type')?.startsWith('application/json')) {
          const body = JSON.parse(text);
          expect(body.statusCode).toBe(res.status);
          expect(typeof body.message).toBe('string');
          expect(typeof body.timestamp).toBe('string');
        }
        if (res.status >= 400) expect(await rowCount()).toBe(before);
      }),
      { numRuns: RUNS_PER_OPERATION, seed: 20261122, endOnFailure: true },
    );
  });
});
