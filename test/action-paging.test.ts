import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { fetch as undiciFetch } from 'undici';
import { api, type TestServer } from './helpers/server.js';
import { createSession, hub } from './helpers/linking.js';
import { onAccount } from './helpers/link-accounts.js';
import { startUpstream, type ScriptedUpstream, type UpstreamRequest } from './helpers/upstream.js';
import { portOf, startMadeUpWorld, type MadeUpWorld } from './helpers/made-up.js';

// A made-up provider whose endpoints page in every style the connector schema knows. The records
// are r1…r7; each endpoint answers from them the way its paging style says.
const RECORDS = Array.from({ length: 7 }, (_, i) => ({ id: `r${i + 1}`, name: `Record ${i + 1}` }));
// The connector runs as shipped: its own host reaches the fake through the internet stand-in. The
// other host exists too (the same fake answers it), so a refusal there is the rule, not a DNS miss.
const PROVIDER = 'https://api.example-pages.test';
const OTHER_HOST = 'https://other.example-pages.test';
// A host of the connector's own beyond its base URL's (Front's next links name the company's host).
const TENANT_HOST = 'https://acme.tenants.example-pages.test';
const PROVIDER_PATHS = [
  '/me',
  '/url-items',
  '/odata-items',
  '/link-items',
  '/cursor-items',
  '/graphql',
  '/page-items',
  '/offset-items',
  '/stripe-items',
  '/form-search',
  '/evil-items',
  '/evil-link',
  '/tenant-items',
];

const limitInput = (key: string, dflt: number) => ({ key, type: 'integer', default: dflt, minimum: 1 });
const listAction = (id: string, over: Record<string, unknown>) => ({
  id: `pages_${id}`,
  label: id,
  inputs: [limitInput('limit', 3)],
  ...over,
});

const CONNECTOR = {
  key: 'pages',
  name: 'Example Pages',
  categories: ['crm'],
  auth: { type: 'api_key' },
  environments: [{ key: 'production', label: 'Production' }],
  config_fields: [{ key: 'api_token', label: 'API token', type: 'password', required: true, secret: true }],
  base_url: 'https://api.example-pages.test',
  hosts: ['api.example-pages.test', '*.tenants.example-pages.test'],
  inject: { headers: { authorization: 'Bearer ${config.api_token}' } },
  test_action: { method: 'GET', path: '/me' },
  actions: [
    listAction('by_url', {
      request: { path: '/url-items', query: { limit: '${input.limit}' } },
      result: { data: 'items', next: 'links.next' },
    }),
    listAction('by_odata', {
      request: { path: '/odata-items', query: { $top: '${input.limit}' } },
      result: { data: 'value', next: { type: 'url', path: "$['@odata.nextLink']" } },
    }),
    listAction('by_link', {
      request: { path: '/link-items', query: { per_page: '${input.limit}' } },
      result: { data: '', next: { type: 'link_header' } },
    }),
    listAction('by_cursor', {
      request: { path: '/cursor-items', query: { limit: '${input.limit}' } },
      result: { data: 'data', next: { type: 'cursor', path: 'meta.next_cursor', param: 'cursor' } },
    }),
    listAction('by_graphql', {
      request: {
        method: 'POST',
        path: '/graphql',
        body: { query: 'query Items { items }', variables: { first: '${input.limit}' } },
      },
      result: {
        data: 'data.items.nodes',
        next: {
          type: 'cursor',
          path: 'data.items.pageInfo.endCursor',
          body_key: 'variables.after',
          has_more: 'data.items.pageInfo.hasNextPage',
        },
      },
    }),
    {
      id: 'pages_by_page',
      label: 'by page',
      inputs: [limitInput('per_page', 3), { key: 'q', type: 'string' }],
      request: { path: '/page-items', query: { per_page: '${input.per_page}', q: '${input.q}' } },
      result: { data: 'results', next: { type: 'page', param: 'page', page_size: 'per_page' } },
    },
    listAction('by_offset', {
      inputs: [limitInput('limit', 2)],
      request: { path: '/offset-items', query: { limit: '${input.limit}' } },
      result: {
        data: 'rows',
        fields: { key: 'id', title: 'name' },
        next: { type: 'offset', param: 'offset', page_size: 'limit' },
      },
    }),
    listAction('by_last_item', {
      request: { path: '/stripe-items', query: { limit: '${input.limit}' } },
      result: {
        data: 'data',
        next: { type: 'last_item', item_path: 'id', param: 'starting_after', has_more: 'has_more' },
      },
    }),
    {
      id: 'pages_form_search',
      label: 'form search',
      inputs: [limitInput('limit', 3), { key: 'name', type: 'string', required: true }],
      request: {
        method: 'POST',
        path: '/form-search',
        body_format: 'form',
        body: { query: { name: '${input.name}' }, limit: '${input.limit}', expand: ['owner', 'tags'] },
      },
      result: { data: 'rows', next: { type: 'offset', body_key: 'page.offset', page_size: 'limit' } },
    },
    listAction('on_tenant_host', {
      request: { path: '/tenant-items', query: { limit: '${input.limit}' } },
      result: { data: 'items', next: 'links.next' },
    }),
    listAction('to_other_host', {
      inputs: [],
      request: { path: '/evil-items' },
      result: { data: 'items', next: 'links.next' },
    }),
    listAction('link_to_other_host', {
      inputs: [],
      request: { path: '/evil-link' },
      result: { data: 'items', next: { type: 'link_header' } },
    }),
  ],
};

let upstream: ScriptedUpstream;

function send(res: ServerResponse, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(200, { 'content-type': 'application/json', ...headers });
  res.end(text);
}

/** The provider stand-in: one answer per endpoint, from RECORDS. */
function provider(req: UpstreamRequest, res: ServerResponse) {
  const url = new URL(req.url, PROVIDER);
  const q = url.searchParams;
  const n = (v: string | null, dflt: number) => (v === null ? dflt : Number(v));
  const slice = (from: number, count: number) => RECORDS.slice(from, from + count);
  const more = (from: number, count: number) => from + count < RECORDS.length;
  const after = (id: string | null) => (id ? RECORDS.findIndex((r) => r.id === id) + 1 : 0);
  switch (url.pathname) {
    case '/me':
      return send(res, { ok: true });
    case '/url-items': {
      const [from, limit] = [n(q.get('after'), 0), n(q.get('limit'), 3)];
      const next = more(from, limit) ? `${PROVIDER}/url-items?limit=${limit}&after=${from + limit}` : null;
      return send(res, { items: slice(from, limit), links: { next } });
    }
    case '/odata-items': {
      const [from, limit] = [n(q.get('$skip'), 0), n(q.get('$top'), 3)];
      const next = more(from, limit) ? `/odata-items?$top=${limit}&$skip=${from + limit}` : undefined;
      return send(res, { value: slice(from, limit), ...(next ? { '@odata.nextLink': next } : {}) });
    }
    case '/link-items': {
      const [from, limit] = [n(q.get('since'), 0), n(q.get('per_page'), 3)];
      const links = [`<${PROVIDER}/link-items?per_page=${limit}>; rel="first"`];
      if (more(from, limit))
        // Relative to this response's URL, as RFC 8288 reads it.
        links.push(`<?per_page=${limit}&since=${from + limit}>; rel="next"`);
      return send(res, slice(from, limit), { link: links.join(', ') });
    }
    case '/cursor-items': {
      const from = q.get('cursor') ? Number(Buffer.from(q.get('cursor')!, 'base64url').toString()) : 0;
      const limit = n(q.get('limit'), 3);
      const next = more(from, limit) ? Buffer.from(String(from + limit)).toString('base64url') : '';
      return send(res, { data: slice(from, limit), meta: { next_cursor: next } });
    }
    case '/graphql': {
      const { variables } = JSON.parse(req.body) as { variables: { first: number; after?: string } };
      const from = after(variables.after ?? null);
      const nodes = slice(from, variables.first);
      const pageInfo = { endCursor: nodes.at(-1)?.id ?? null, hasNextPage: more(from, variables.first) };
      return send(res, { data: { items: { nodes, pageInfo } } });
    }
    case '/page-items': {
      const [page, size] = [n(q.get('page'), 1), n(q.get('per_page'), 3)];
      return send(res, { results: slice((page - 1) * size, size) });
    }
    case '/offset-items':
      return send(res, { rows: slice(n(q.get('offset'), 0), n(q.get('limit'), 2)) });
    case '/stripe-items': {
      const [from, limit] = [after(q.get('starting_after')), n(q.get('limit'), 3)];
      return send(res, { object: 'list', data: slice(from, limit), has_more: more(from, limit) });
    }
    case '/form-search': {
      const form = new URLSearchParams(req.body);
      const [from, limit] = [n(form.get('page[offset]'), 0), n(form.get('limit'), 3)];
      const hits = RECORDS.filter((r) => r.name.startsWith(form.get('query[name]') ?? '?'));
      return send(res, { rows: hits.slice(from, from + limit) });
    }
    case '/tenant-items': {
      const [from, limit] = [n(q.get('after'), 0), n(q.get('limit'), 3)];
      const next = more(from, limit)
        ? `${TENANT_HOST}/tenant-items?limit=${limit}&after=${from + limit}`
        : null;
      return send(res, { items: slice(from, limit), links: { next } });
    }
    case '/evil-items':
      return send(res, { items: slice(0, 1), links: { next: `${OTHER_HOST}/steal?after=1` } });
    case '/evil-link':
      return send(res, { items: slice(0, 1) }, { link: `<${OTHER_HOST}/steal>; rel="next"` });
    case '/steal':
      return send(res, { items: RECORDS });
    default:
      res.writeHead(404).end();
  }
}

let world: MadeUpWorld;
let server: TestServer;
let account: string;

beforeAll(async () => {
  upstream = await startUpstream(provider);
  world = await startMadeUpWorld({
    connectors: { pages: CONNECTOR },
    routes: [
      { hosts: ['api.example-pages.test'], port: portOf(upstream), paths: PROVIDER_PATHS },
      { hosts: ['other.example-pages.test'], port: portOf(upstream), paths: ['/steal'] },
      { hosts: ['acme.tenants.example-pages.test'], port: portOf(upstream), paths: ['/tenant-items'] },
    ],
    workers: false,
  });
  server = world.server;
  const profile = await api(server)('POST', '/connector_profiles', { provider: 'pages' });
  expect(profile.status, profile.text).toBe(201);
  const s = await createSession(server, { origin_owner_id: 'pages-owner' });
  const linked = await hub(server, s.token)('POST', '/hub/accounts', {
    integration_id: profile.json.id,
    credentials: { api_token: 'tok-pages-1' },
  });
  expect(linked.status, JSON.stringify(linked.json)).toBe(201);
  account = linked.json.id;
});
afterAll(async () => {
  await world?.close();
  await upstream?.close();
});

const rpc = (action: string, query: Record<string, unknown> = {}, body?: Record<string, unknown>) =>
  onAccount(server, account)('POST', '/actions/rpc', { action, query, ...(body ? { body } : {}) });

/** Follows `next` to the end; returns the pages' data and the provider requests they made. */
async function allPages(action: string, query: Record<string, unknown> = {}) {
  const seen = upstream.requests.length;
  const pages: Array<Array<Record<string, unknown>>> = [];
  let next: string | null = null;
  do {
    const res = await rpc(action, next ? { ...query, next } : query);
    expect(res.status, res.text).toBe(200);
    pages.push(res.json.data);
    next = res.json.next;
  } while (next && pages.length < 20);
  return { pages, requests: upstream.requests.slice(seen) };
}

const query = (r: UpstreamRequest) => Object.fromEntries(new URL(r.url, PROVIDER).searchParams);
const sizes = (pages: unknown[][]) => pages.map((p) => p.length);

describe('paging styles against a provider at its own host', () => {
  it('url: the next URL at a body path (the string form, as before)', async () => {
    const { pages, requests } = await allPages('pages_by_url');
    expect(sizes(pages)).toEqual([3, 3, 1]);
    expect(pages.flat()).toEqual(RECORDS);
    expect(requests.map(query)).toEqual([
      { limit: '3' },
      { limit: '3', after: '3' },
      { limit: '3', after: '6' },
    ]);
  });

  it('url: a next URL on another host the connector owns is followed, with the credentials', async () => {
    const { pages, requests } = await allPages('pages_on_tenant_host');
    expect(sizes(pages)).toEqual([3, 3, 1]);
    expect(pages.flat()).toEqual(RECORDS);
    expect(requests.map((r) => r.headers.host)).toEqual([
      'api.example-pages.test',
      'acme.tenants.example-pages.test',
      'acme.tenants.example-pages.test',
    ]);
    expect(requests.every((r) => r.headers.authorization === 'Bearer tok-pages-1')).toBe(true);
    expect(world.internet.refused).toEqual([]);
  });

  it("url: a JSONPath key with dots ($['@odata.nextLink']), relative to the provider", async () => {
    const { pages } = await allPages('pages_by_odata', { limit: 2 });
    expect(sizes(pages)).toEqual([2, 2, 2, 1]);
    expect(pages.flat()).toEqual(RECORDS);
  });

  it('link_header: the rel="next" link of the Link header, relative to the response', async () => {
    const { pages, requests } = await allPages('pages_by_link');
    expect(sizes(pages)).toEqual([3, 3, 1]);
    expect(pages.flat()).toEqual(RECORDS);
    expect(requests.map((r) => query(r).since ?? null)).toEqual([null, '3', '6']);
  });

  it('cursor: the body cursor goes back as a query parameter, ending on an empty cursor', async () => {
    const { pages, requests } = await allPages('pages_by_cursor', { limit: 2 });
    expect(sizes(pages)).toEqual([2, 2, 2, 1]);
    expect(pages.flat()).toEqual(RECORDS);
    expect(requests.map((r) => query(r).cursor ?? null)).toEqual([null, 'Mg', 'NA', 'Ng']);
    expect(requests.every((r) => query(r).limit === '2')).toBe(true);
  });

  it('cursor in a POST body (GraphQL variables.after) with has_more', async () => {
    const { pages, requests } = await allPages('pages_by_graphql');
    expect(sizes(pages)).toEqual([3, 3, 1]);
    expect(pages.flat()).toEqual(RECORDS);
    expect(requests.map((r) => [r.method, r.headers['content-type'], JSON.parse(r.body)])).toEqual([
      ['POST', 'application/json', { query: 'query Items { items }', variables: { first: 3 } }],
      ['POST', 'application/json', { query: 'query Items { items }', variables: { first: 3, after: 'r3' } }],
      ['POST', 'application/json', { query: 'query Items { items }', variables: { first: 3, after: 'r6' } }],
    ]);
  });

  it('page: a page counter, ending on a page shorter than per_page', async () => {
    const { pages, requests } = await allPages('pages_by_page', { q: 'all' });
    expect(sizes(pages)).toEqual([3, 3, 1]);
    expect(pages.flat()).toEqual(RECORDS);
    expect(requests.map(query)).toEqual([1, 2, 3].map((p) => ({ per_page: '3', q: 'all', page: String(p) })));
  });

  it('page: the next page keeps the first call input, whatever the caller sends with next', async () => {
    const first = await rpc('pages_by_page', { per_page: 2, q: 'mine' });
    const seen = upstream.requests.length;
    const second = await rpc('pages_by_page', { per_page: 100, q: 'theirs', next: first.json.next });
    expect(second.status, second.text).toBe(200);
    expect(second.json.data).toEqual(RECORDS.slice(2, 4));
    expect(query(upstream.requests[seen]!)).toEqual({ per_page: '2', q: 'mine', page: '2' });
  });

  it('offset: increased by the items received, with fields mapped', async () => {
    const { pages, requests } = await allPages('pages_by_offset');
    expect(sizes(pages)).toEqual([2, 2, 2, 1]);
    expect(pages.flat()).toEqual(RECORDS.map((r) => ({ key: r.id, title: r.name })));
    expect(requests.map((r) => query(r).offset)).toEqual(['0', '2', '4', '6']);
  });

  it("last_item: the last item's id as starting_after, until has_more is false", async () => {
    const { pages, requests } = await allPages('pages_by_last_item');
    expect(sizes(pages)).toEqual([3, 3, 1]);
    expect(pages.flat()).toEqual(RECORDS);
    expect(requests.map((r) => query(r).starting_after ?? null)).toEqual([null, 'r3', 'r6']);
  });

  it('a form body with brackets, paging by an offset at a nested body key', async () => {
    const seen = upstream.requests.length;
    const pages: unknown[][] = [];
    let next: string | null = null;
    do {
      const res = await rpc('pages_form_search', {}, next ? { next } : { name: 'Record', limit: 3 });
      expect(res.status, res.text).toBe(200);
      pages.push(res.json.data);
      next = res.json.next;
    } while (next && pages.length < 20);
    expect(sizes(pages)).toEqual([3, 3, 1]);
    expect(pages.flat()).toEqual(RECORDS);
    const requests = upstream.requests.slice(seen);
    expect(requests.map((r) => r.headers['content-type'])).toEqual(
      Array(3).fill('application/x-www-form-urlencoded'),
    );
    expect(requests.map((r) => Object.fromEntries(new URLSearchParams(r.body)))).toEqual(
      [0, 3, 6].map((offset) => ({
        'query[name]': 'Record',
        limit: '3',
        'expand[0]': 'owner',
        'expand[1]': 'tags',
        'page[offset]': String(offset),
      })),
    );
  });
});

describe('cursors a caller cannot bend', () => {
  it('refuses a tampered cursor with 400', async () => {
    const first = await rpc('pages_by_cursor');
    const c: string = first.json.next;
    const i = Math.floor(c.length / 2);
    const tampered = c.slice(0, i) + (c[i] === 'A' ? 'B' : 'A') + c.slice(i + 1);
    const seen = upstream.requests.length;
    const res = await rpc('pages_by_cursor', { next: tampered });
    expect([res.status, res.json.message]).toEqual([
      400,
      'next: not a cursor from a previous page of pages_by_cursor on this account',
    ]);
    expect(upstream.requests.length).toBe(seen);
  });

  it("refuses one action's cursor on another action, also of the same style", async () => {
    const page = await rpc('pages_by_page');
    const url = await rpc('pages_by_url');
    for (const [action, next] of [
      ['pages_by_offset', page.json.next],
      ['pages_by_link', url.json.next],
      ['pages_by_cursor', url.json.next],
    ]) {
      const res = await rpc(action, { next });
      expect([action, res.status]).toEqual([action, 400]);
    }
  });

  it.each([
    ['a next URL in the body', 'pages_to_other_host'],
    ['a Link header', 'pages_link_to_other_host'],
  ])('refuses a next page on another host (%s)', async (_name, action) => {
    const first = await rpc(action);
    expect(first.status).toBe(200);
    expect(typeof first.json.next).toBe('string');
    const seen = upstream.requests.length;
    const res = await rpc(action, { next: first.json.next });
    expect([res.status, res.json.message]).toEqual([
      400,
      "next: the next page is not on the provider's host",
    ]);
    expect(upstream.requests.length).toBe(seen);
    expect(world.internet.refused).toEqual([]);
  });

  it('refuses it although the other host is reachable and answers', async () => {
    const res = await undiciFetch(`${OTHER_HOST}/steal`, { dispatcher: world.internet.http });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { items: unknown[] }).items).toHaveLength(RECORDS.length);
    const last = upstream.requests.at(-1)!;
    expect([last.url, last.headers.host, last.headers.authorization]).toEqual([
      '/steal',
      'other.example-pages.test',
      undefined,
    ]);
    expect(upstream.requests.filter((r) => r.url.startsWith('/steal'))).toHaveLength(1);
  });
});

describe('the catalogue', () => {
  it('gives every paging action the next input', async () => {
    const res = await api(server)('GET', '/actions?filter%5Bconnectors%5D=pages&include=operation_details');
    expect(res.status).toBe(200);
    const actions: Array<{ id: string; operation_details: Record<string, any> }> = res.json.data[0].actions;
    expect(actions.map((a) => a.id)).toEqual(CONNECTOR.actions.map((a) => a.id));
    for (const a of actions) {
      expect([a.id, a.operation_details.paginated]).toEqual([a.id, true]);
      expect(a.operation_details.input_schema.properties.next).toMatchObject({ type: 'string' });
    }
  });
});

describe('MCP', () => {
  it('lists every paging tool with the next input, and a tool call pages with it', async () => {
    const client = new Client({ name: 'paging-test', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), {
      requestInit: {
        headers: {
          authorization: `Basic ${Buffer.from(`${server.apiKey}:`).toString('base64')}`,
          'x-account-id': account,
        },
      },
    });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(CONNECTOR.actions.map((a) => a.id));
      for (const t of tools)
        expect([t.name, t.inputSchema.properties?.next]).toMatchObject([t.name, { type: 'string' }]);
      const items: unknown[] = [];
      let next: string | null = null;
      for (let i = 0; i < 5; i++) {
        const args: Record<string, unknown> = next ? { next } : {};
        const result = await client.callTool({ name: 'pages_by_last_item', arguments: args });
        const page = result.structuredContent as { data: unknown[]; next: string | null };
        items.push(...page.data);
        next = page.next;
        if (!next) break;
      }
      expect(items).toEqual(RECORDS);
    } finally {
      await client.close();
    }
  });
});

describe('the shipped hosts', () => {
  it('sent every provider call to the connector’s own hosts, and reached nothing outside the routes', () => {
    const hosts = new Set(upstream.requests.filter((r) => r.url !== '/steal').map((r) => r.headers.host));
    expect([...hosts].sort()).toEqual(['acme.tenants.example-pages.test', 'api.example-pages.test']);
    expect(world.internet.refused).toEqual([]);
  });
});
