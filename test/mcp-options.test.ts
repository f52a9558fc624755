import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { link, useWorld } from './helpers/world.js';

const world = useWorld({ workers: false });
let account = '';
const clients: Client[] = [];

beforeAll(async () => {
  account = await link(world, 'oneflow');
});
afterAll(async () => {
  for (const c of clients) await c.close().catch(() => undefined);
});

/** The official MCP client on `/mcp?<query>`, with the API key and the given extra headers. */
async function connect(query: string, headers: Record<string, string> = {}) {
  const client = new Client({ name: 'switchboard-test', version: '1.0.0' });
  const authorization = `Basic ${Buffer.from(`${world.server.apiKey}:`).toString('base64')}`;
  const transport = new StreamableHTTPClientTransport(new URL(`${world.server.url}/mcp?${query}`), {
    requestInit: { headers: { authorization, ...headers } },
  });
  await client.connect(transport);
  clients.push(client);
  return client;
}

const names = async (c: Client) => (await c.listTools()).tools.map((t) => t.name);

describe('/mcp query options', () => {
  it('takes the account from ?x-account-id= or ?account_id= when no header names it', async () => {
    for (const key of ['x-account-id', 'account_id']) {
      const tools = await names(await connect(`${key}=${account}`));
      expect(tools).toContain('oneflow_list_contracts');
    }
  });

  it('lets the header win over the query', async () => {
    const client = await connect('x-account-id=acc_not_this_one', { 'x-account-id': account });
    expect(await names(client)).toContain('oneflow_list_templates');
  });

  it('refuses an unknown tool-mode and a missing account', async () => {
    await expect(connect(`account_id=${account}&tool-mode=everything`)).rejects.toThrow(/tool-mode/);
    await expect(connect('tool-mode=search_execute')).rejects.toThrow(/x-account-id/);
  });
});

describe('tool-mode=search_execute', () => {
  it('exposes exactly the two tools StackOne documents, in one page', async () => {
    const client = await connect(`x-account-id=${account}&tool-mode=search_execute`);
    const list = await client.listTools();
    expect(list.nextCursor).toBeUndefined();
    expect(list.tools.map((t) => t.name)).toEqual(['oneflow_search_actions', 'oneflow_execute_action']);
    expect(list.tools[0]!.inputSchema.required).toEqual(['query']);
    expect(list.tools[1]!.inputSchema.required).toEqual(['action_id']);
  });

  it('searches the account’s actions and runs the one found', async () => {
    const client = await connect(`x-account-id=${account}&tool-mode=search_execute`);
    const found = await client.callTool({
      name: 'oneflow_search_actions',
      arguments: { query: 'contract templates', top_k: 2 },
    });
    const results = (found.structuredContent as { results: Array<{ action_id: string; similarity: number }> })
      .results;
    expect(results.length).toBeLessThanOrEqual(2);
    expect(results[0]).toMatchObject({ action_id: 'oneflow_list_templates', similarity: 1 });
    const run = await client.callTool({
      name: 'oneflow_execute_action',
      arguments: { action_id: results[0]!.action_id, arguments: {} },
    });
    expect(run.isError).toBeFalsy();
    expect(run.structuredContent).toMatchObject({ data: expect.any(Array) });
  });

  it('answers bad arguments as tool errors the model can read', async () => {
    const client = await connect(`x-account-id=${account}&tool-mode=search_execute`);
    const unknown = await client.callTool({
      name: 'oneflow_execute_action',
      arguments: { action_id: 'kustomer_list_customers' },
    });
    expect(unknown).toMatchObject({ isError: true });
    expect(JSON.stringify(unknown.content)).toMatch(/not an enabled oneflow action/);
    const empty = await client.callTool({ name: 'oneflow_search_actions', arguments: { query: '' } });
    expect(empty).toMatchObject({ isError: true });
    const badInput = await client.callTool({
      name: 'oneflow_execute_action',
      arguments: { action_id: 'oneflow_get_contract', arguments: { contract_id: '../x' } },
    });
    expect(badInput).toMatchObject({ isError: true });
  });
});
