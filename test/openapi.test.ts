import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({}, { workers: false });
});
afterAll(async () => server?.close());

/** Routes that are not part of the public API: assets and the dashboard's own pages and API. */
const internal = (url: string) =>
  url.startsWith('/web/') || url.startsWith('/dashboard') || url === '/openapi.json' || url === '/docs';
const toOpenApi = (url: string) =>
  url
    .replace(/:([A-Za-z]+)/g, (_m, p: string) => `{${p.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}}`)
    .replace(/\/\*$/, '/{path}');

describe('OpenAPI', () => {
  it('serves a valid OpenAPI 3.1 document', async () => {
    const doc = await (await fetch(`${server.url}/openapi.json`)).json();
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe('3.1.0');
    const resolve = (schema: { $ref?: string }) =>
      schema.$ref ? doc.components.schemas[schema.$ref.split('/').pop()!] : schema;
    const create = doc.paths['/connect_sessions'].post;
    expect(resolve(create.requestBody.content['application/json'].schema).required).toEqual([
      'origin_owner_id',
      'origin_owner_name',
    ]);
    expect(resolve(create.responses['201'].content['application/json'].schema).required).toContain(
      'auth_link_url',
    );
    expect(
      resolve(doc.paths['/accounts/{id}'].delete.responses['404'].content['application/json'].schema)
        .required,
    ).toEqual(['statusCode', 'message', 'timestamp']);
  });

  it('documents every route the server registers, and nothing it does not', async () => {
    const doc = await (await fetch(`${server.url}/openapi.json`)).json();
    const documented = new Set<string>();
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, unknown>>))
      for (const m of Object.keys(ops)) documented.add(`${m.toUpperCase()} ${path}`);
    const registered = new Set(
      server.app.routes
        .filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS' && !internal(r.url))
        .map((r) => `${r.method} ${toOpenApi(r.url)}`)
        // The raw passthrough takes every method; it is documented once, as GET.
        .filter((r) => !/^(?!GET)[A-Z]+ \/proxy\/\{account_id\}\/\{path\}$/.test(r)),
    );
    expect([...registered].filter((r) => !documented.has(r))).toEqual([]);
    expect([...documented].filter((r) => !registered.has(r))).toEqual([]);
  });

  it('renders a reference at /docs', async () => {
    const res = await fetch(`${server.url}/docs`);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('/connect_sessions');
    expect(html).toContain('/openapi.json');
  });
});
