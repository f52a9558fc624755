import { beforeAll, describe, expect, it } from 'vitest';
import { actionSearchResponse } from '../src/contract/agents.js';
import { api } from './helpers/server.js';
import { expectWire } from './helpers/contract.js';
import { useWorld } from './helpers/world.js';

// No fake providers or profiles: the project starts with no connector profile at all.
const world = useWorld({ workers: false, fakes: false });
const search = (body: unknown) => api(world.server)('POST', '/actions/search', body);
const ids = (res: { json: { results: Array<{ id: string }> } }) => res.json.results.map((r) => r.id);

beforeAll(async () => {
  // Oneflow gets a profile that enables one action; Kustomer and Salesforce have none.
  const res = await api(world.server)('POST', '/connector_profiles', {
    provider: 'oneflow',
    enabled_actions: ['oneflow_list_templates'],
  });
  expect(res.status).toBe(201);
});

describe('POST /actions/search', () => {
  it('ranks the actions for a query, in the shape the agent SDK reads', async () => {
    const res = await search({ query: 'list kustomer customers' });
    expect(res.status).toBe(200);
    const body = expectWire(actionSearchResponse, res.json);
    expect(body.query).toBe('list kustomer customers');
    expect(body.results[0]).toMatchObject({
      id: 'kustomer_list_customers',
      similarity_score: 1,
      connector: 'kustomer',
      label: 'List customers',
    });
    const scores = body.results.map((r) => r.similarity_score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(body.total_count).toBeGreaterThanOrEqual(body.results.length);
  });

  it('keeps to top_k, counts every match in total_count, and filters by connector', async () => {
    const few = await search({ query: 'list', top_k: 2 });
    expect(few.json.results).toHaveLength(2);
    expect(few.json.total_count).toBeGreaterThan(2);
    const sf = await search({ query: 'list records', connector: 'salesforce', top_k: 50 });
    expect(sf.json.connector_filter).toBe('salesforce');
    expect(ids(sf).length).toBeGreaterThan(0);
    expect(ids(sf).every((id) => id.startsWith('salesforce_'))).toBe(true);
    // The SDK also asks for connector "tool" (its own feedback tool): an unknown connector finds nothing.
    const tool = await search({ query: 'feedback', connector: 'tool' });
    expect(tool.status).toBe(200);
    expect(tool.json).toMatchObject({ results: [], total_count: 0 });
  });

  it("finds only what the project's profiles enable, and all of a connector without a profile", async () => {
    const contracts = await search({ query: 'oneflow contracts', top_k: 50 });
    expect(ids(contracts)).not.toContain('oneflow_list_contracts');
    expect(ids(contracts)).not.toContain('oneflow_get_contract');
    const templates = await search({ query: 'contract templates' });
    expect(ids(templates)[0]).toBe('oneflow_list_templates');
    const sf = await search({ query: 'get opportunity' });
    expect(ids(sf)[0]).toBe('salesforce_get_opportunity');
  });

  it('drops results below min_similarity and accepts the keys the SDK may send', async () => {
    const res = await search({
      query: 'list kustomer customers',
      min_similarity: 0.99,
      project_id: 'ignored',
      top_k: 10,
    });
    expect(res.status).toBe(200);
    expect(ids(res)).toEqual(['kustomer_list_customers']);
  });

  it('refuses bad input with 400 naming the field, and calls without an API key with 401', async () => {
    for (const [body, field] of [
      [{}, 'query'],
      [{ query: '   ' }, 'query'],
      [{ query: 'x'.repeat(501) }, 'query'],
      [{ query: 'list', top_k: 0 }, 'top_k'],
      [{ query: 'list', top_k: 101 }, 'top_k'],
      [{ query: 'list', top_k: '5' }, 'top_k'],
      [{ query: 'list', min_similarity: 1.5 }, 'min_similarity'],
      [{ query: 'list', connector: 7 }, 'connector'],
    ] as const) {
      const res = await search(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.data.field).toBe(field);
    }
    const anonymous = await fetch(`${world.server.url}/actions/search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'list' }),
    });
    expect(anonymous.status).toBe(401);
  });
});
