import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { StackOne } from '@stackone/stackone-client-ts';
import { HTTPClient } from '@stackone/stackone-client-ts/lib/http.js';
import { api, type TestServer } from './helpers/server.js';
import { createProfiles } from './helpers/linking.js';
import { linkKustomer, linkOneflow } from './helpers/link-accounts.js';
import { startShippedServer, startShippedWorld, type ShippedWorld } from './helpers/shipped.js';
import { calls, type SeedFakes } from './helpers/seed-fakes.js';

let server: TestServer;
let fakes: SeedFakes;
let shipped: ShippedWorld;
let profiles: Awaited<ReturnType<typeof createProfiles>>;
const acc = { kustomer: '', oneflow: '', limited: '' };
const clients: Client[] = [];

beforeAll(async () => {
  shipped = await startShippedWorld();
  fakes = shipped.fakes;
  // Two full pages of customers.
  fakes.kustomer.fixture.actions.kustomer_list_customers!.records.push({
    type: 'customer',
    id: 'cus_4',
    attributes: { name: 'Barbara' },
  });
  server = await startShippedServer(shipped, {}, { workers: false });
  profiles = await createProfiles(server, fakes);
  acc.kustomer = await linkKustomer(server, profiles);
  acc.oneflow = await linkOneflow(server, profiles);
  const limited = await api(server)('POST', '/connector_profiles', {
    provider: 'oneflow',
    default: false,
    enabled_actions: ['oneflow_get_contract', 'oneflow_list_templates'],
  });
  acc.limited = await linkOneflow(server, profiles, 'limited', limited.json.id);
});
afterAll(async () => {
  for (const c of clients) await c.close().catch(() => undefined);
  await server?.close();
  await shipped?.close();
});

const last = <T>(xs: T[]) => xs[xs.length - 1]!;
const basic = () => `Basic ${Buffer.from(`${server.apiKey}:`).toString('base64')}`;

/** The official MCP client over Streamable HTTP, authenticated like any platform call. */
async function connect(accountId: string, authorization = basic()) {
  const client = new Client({ name: 'switchboard-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), {
    requestInit: { headers: { authorization, 'x-account-id': accountId } },
  });
  await client.connect(transport);
  clients.push(client);
  return client;
}

describe('MCP with the official client', () => {
  it("lists the account's enabled actions as tools with JSON Schemas", async () => {
    const client = await connect(acc.kustomer);
    expect(client.getServerVersion()).toMatchObject({ name: 'switchboard' });
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual([
      'kustomer_list_customers',
      'kustomer_get_customer',
      'kustomer_list_conversations',
      'kustomer_get_conversation',
      'kustomer_list_conversation_messages',
    ]);
    expect(tools[0]).toMatchObject({
      name: 'kustomer_list_customers',
      title: 'List customers',
      inputSchema: {
        type: 'object',
        properties: {
          page_size: {
            type: 'integer',
            minimum: 1,
            maximum: 100,
            description: "Records per page (Kustomer's default is 25).",
          },
          next: { type: 'string', maxLength: 4096 },
        },
        additionalProperties: false,
      },
      annotations: { readOnlyHint: true },
    });
    expect(tools[4]!.inputSchema.required).toEqual(['conversation_id']);
  });

  it('calls a tool and pages with next', async () => {
    const client = await connect(acc.kustomer);
    const first = await client.callTool({ name: 'kustomer_list_customers', arguments: { page_size: 2 } });
    expect(first.isError).toBeFalsy();
    const page = first.structuredContent as { data: Array<{ id: string; name: string }>; next: string };
    const names = fakes.kustomer.fixture.actions.kustomer_list_customers!.records.map(
      (c) => (c as { attributes: { name: string } }).attributes.name,
    );
    expect(names).toHaveLength(4);
    expect(page.data.map((c) => c.name)).toEqual(names.slice(0, 2));
    expect(JSON.parse((first.content as Array<{ text: string }>)[0]!.text)).toEqual(page);
    const second = await client.callTool({
      name: 'kustomer_list_customers',
      arguments: { page_size: 2, next: page.next },
    });
    expect((second.structuredContent as { data: Array<{ name: string }> }).data.map((c) => c.name)).toEqual(
      names.slice(2, 4),
    );
  });

  it('reports bad arguments and provider refusals as tool errors; unknown tools as protocol errors', async () => {
    const client = await connect(acc.kustomer);
    const bad = await client.callTool({ name: 'kustomer_get_customer', arguments: { id: '../../users' } });
    expect(bad).toMatchObject({
      isError: true,
      content: [{ type: 'text', text: 'id: must match ^[A-Za-z0-9_-]{1,64}$' }],
    });
    const missing = await client.callTool({
      name: 'kustomer_get_customer',
      arguments: { id: '60a0ffffffffffffffffffff' },
    });
    expect(missing).toMatchObject({
      isError: true,
      content: [{ type: 'text', text: 'Kustomer answered 404: Not Found' }],
    });
    const unknown = await client
      .callTool({ name: 'oneflow_list_contracts', arguments: {} })
      .catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(McpError);
    expect((unknown as McpError).message).toMatch(/Unknown tool oneflow_list_contracts/);
  });

  it('offers only what the connector profile enables', async () => {
    const client = await connect(acc.limited);
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual([
      'oneflow_get_contract',
      'oneflow_list_templates',
    ]);
    const templates = await client.callTool({ name: 'oneflow_list_templates', arguments: { limit: 1 } });
    expect(last(calls(fakes.oneflow, '/v1/templates', 'GET')).query).toEqual({ limit: '1' });
    // The fake answers a page of the fixture's size, whatever the limit.
    const served = fakes.oneflow.fixture.actions.oneflow_list_templates!;
    expect((templates.structuredContent as { data: unknown[] }).data).toEqual(
      served.records.slice(0, served.page_size),
    );
  });

  it('needs the API key and an account', async () => {
    await expect(
      connect(acc.kustomer, `Basic ${Buffer.from('sbk_wrong:').toString('base64')}`),
    ).rejects.toThrow(/401/);
    await expect(connect('acc_missing')).rejects.toThrow(/404/);
    const noAccount = await fetch(`${server.url}/mcp`, {
      method: 'POST',
      headers: {
        authorization: basic(),
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(noAccount.status).toBe(400);
    expect(await noAccount.json()).toMatchObject({
      statusCode: 400,
      message: 'x-account-id header is required: the id of the linked account to act on',
    });
  });

  it('records tool calls in the request logs', async () => {
    const client = await connect(acc.oneflow);
    await client.callTool({ name: 'oneflow_list_workspaces', arguments: {} });
    const logs = await api(server)(
      'GET',
      `/requests/logs?services=mcp&account_ids=${acc.oneflow}&include=step_logs`,
    );
    expect(logs.json.data[0]).toMatchObject({
      service: 'mcp',
      source_type: 'mcp',
      action: 'oneflow_list_workspaces',
      account_id: acc.oneflow,
      provider: 'oneflow',
      status: 200,
      success: true,
      http_method: 'GET',
      path: '/v1/workspaces',
      step_requests: [{ status: 200, path: '/v1/workspaces' }],
    });
  });
});

describe('MCP with the StackOne SDK (mcp.mcpPost)', () => {
  it("works despite the SDK's quirks: id {}, params {}, accept without event streams, 200 only", async () => {
    const bodies: string[] = [];
    // The SDK reads and discards MCP bodies: a fetcher that keeps a copy lets the test see them.
    const httpClient = new HTTPClient({
      fetcher: async (input, init) => {
        const res = await fetch(input, init);
        bodies.push(await res.clone().text());
        return res;
      },
    });
    const sdk = new StackOne({
      serverURL: server.url,
      httpClient,
      retryConfig: { strategy: 'none' },
      timeoutMs: 10_000,
    });
    const security = { basic: { username: server.apiKey, password: '' } };
    const init = await sdk.mcp.mcpPost(security, {
      xAccountId: acc.oneflow,
      jsonRpcMessageDto: { jsonrpc: '2.0', method: 'initialize', id: {}, params: {} },
    });
    expect(init.statusCode).toBe(200);
    expect(JSON.parse(bodies[0]!)).toMatchObject({
      jsonrpc: '2.0',
      result: { serverInfo: { name: 'switchboard' }, capabilities: { tools: {} } },
    });
    const notified = await sdk.mcp.mcpPost(security, {
      xAccountId: acc.oneflow,
      jsonRpcMessageDto: { jsonrpc: '2.0', method: 'notifications/initialized' },
    });
    expect(notified.statusCode).toBe(200);
    const list = await sdk.mcp.mcpPost(security, {
      xAccountId: acc.oneflow,
      jsonRpcMessageDto: { jsonrpc: '2.0', method: 'tools/list', id: {}, params: {} },
    });
    expect(list.statusCode).toBe(200);
    expect(JSON.parse(bodies[2]!).result.tools.map((t: { name: string }) => t.name)).toEqual([
      'oneflow_list_contracts',
      'oneflow_get_contract',
      'oneflow_list_workspaces',
      'oneflow_list_templates',
    ]);
    // mcpGet accepts only a 200 whose body ends: the SDK gets an empty, finished stream.
    const stream = await sdk.mcp.mcpGet(security, { xAccountId: acc.oneflow, mcpSessionId: 'none' });
    expect(stream.statusCode).toBe(200);
    const closed = await sdk.mcp.mcpDelete(security, { xAccountId: acc.oneflow, mcpSessionId: 'none' });
    expect(closed.statusCode).toBe(200);
  });

  it('answers errors in both shapes (JSON-RPC and the StackOne envelope)', async () => {
    const res = await fetch(`${server.url}/mcp`, {
      method: 'POST',
      headers: {
        authorization: basic(),
        'x-account-id': acc.oneflow,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify({ jsonrpc: '1.0', nonsense: true }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32000, message: 'Parse error: Invalid JSON-RPC message' },
      statusCode: 400,
      message: 'Parse error: Invalid JSON-RPC message',
      timestamp: expect.any(String),
    });
    const get = await fetch(`${server.url}/mcp`, {
      headers: { authorization: basic(), 'x-account-id': acc.oneflow, accept: 'text/event-stream' },
    });
    expect([get.status, get.headers.get('allow')]).toEqual([405, 'POST, DELETE']);
    await get.text();
  });
});

describe('the providers', () => {
  it('saw no request that breaks their rules', () => {
    for (const fake of [fakes.kustomer, fakes.oneflow]) {
      expect(fake.problems).toEqual([]);
      expect(fake.unexpected).toEqual([]);
    }
    expect(fakes.kustomer.missing).toEqual([
      `GET ${fakes.kustomer.urls.api.origin}/v1/customers/60a0ffffffffffffffffffff`,
    ]);
  });
});
