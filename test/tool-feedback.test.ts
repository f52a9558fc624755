import { beforeAll, describe, expect, it } from 'vitest';
import { toolFeedbackPage, toolFeedbackReceipt } from '../src/contract/agents.js';
import { createProject } from '../src/core/projects/projects.js';
import { addApiKey, generateApiKey } from '../src/core/projects/api-keys.js';
import { api } from './helpers/server.js';
import { expectWire } from './helpers/contract.js';
import { link, useWorld } from './helpers/world.js';

const world = useWorld({ workers: false });
const acc = { oneflow: '', other: '' };
let keyB = '';

beforeAll(async () => {
  acc.oneflow = await link(world, 'oneflow');
  acc.other = await link(world, 'oneflow', 'second-owner');
  const project = await createProject(world.server.app.deps.db, 'B');
  keyB = generateApiKey();
  await addApiKey(world.server.app.deps.db, project.projectId, keyB);
});

const post = (body: unknown, key?: string) => api(world.server, key)('POST', '/ai/tool-feedback', body);
const list = (query = '', key?: string) => api(world.server, key)('GET', `/ai/tool-feedback${query}`);

describe('POST /ai/tool-feedback', () => {
  it('stores the feedback and answers a receipt the agent SDK accepts', async () => {
    const res = await post({
      feedback: 'oneflow_list_contracts returned the right contracts quickly',
      account_id: acc.oneflow,
      tool_names: ['oneflow_list_contracts', 'oneflow_list_contracts', 'oneflow_get_contract'],
    });
    expect(res.status).toBe(200);
    const body = expectWire(toolFeedbackReceipt, res.json);
    expect(body.trace_id).toBe(res.headers.get('x-request-id'));
    expect(body.data).toMatchObject({
      account_id: acc.oneflow,
      provider: 'oneflow',
      tool_names: ['oneflow_list_contracts', 'oneflow_get_contract'],
    });
    expect(body.key).toBe(body.data.id);
  });

  it('refuses an account of another project, or none, with 404 and stores nothing', async () => {
    const before = (await list('', keyB)).json.data.length;
    const res = await post(
      { feedback: 'x', account_id: acc.oneflow, tool_names: ['oneflow_get_contract'] },
      keyB,
    );
    expect(res.status).toBe(404);
    expect(res.json.code).toBe('ACCOUNT_NOT_FOUND');
    expect((await post({ feedback: 'x', account_id: 'acc_nope', tool_names: ['t'] })).status).toBe(404);
    expect((await list('', keyB)).json.data.length).toBe(before);
  });

  it('refuses bad or oversized input with 400 naming the field', async () => {
    const ok = { feedback: 'fine', account_id: acc.oneflow, tool_names: ['oneflow_get_contract'] };
    for (const [body, field] of [
      [{ ...ok, feedback: '' }, 'feedback'],
      [{ ...ok, feedback: 'x'.repeat(4001) }, 'feedback'],
      [{ ...ok, account_id: undefined }, 'account_id'],
      [{ ...ok, tool_names: [] }, 'tool_names'],
      [{ ...ok, tool_names: Array.from({ length: 51 }, (_, i) => `t${i}`) }, 'tool_names'],
      [{ ...ok, tool_names: ['x'.repeat(201)] }, 'tool_names.0'],
      [{ ...ok, tool_names: 'oneflow_get_contract' }, 'tool_names'],
    ] as const) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.json.data.field).toBe(field);
    }
  });
});

describe('GET /ai/tool-feedback', () => {
  it("lists the project's feedback newest first, in cursor pages, by account", async () => {
    for (const n of [1, 2, 3])
      expect(
        (await post({ feedback: `note ${n}`, account_id: acc.other, tool_names: ['oneflow_list_templates'] }))
          .status,
      ).toBe(200);
    const first = expectWire(toolFeedbackPage, (await list(`?account_ids=${acc.other}&page_size=2`)).json);
    expect(first.data.map((f) => f.feedback)).toEqual(['note 3', 'note 2']);
    expect(first.next).not.toBeNull();
    const second = (await list(`?account_ids=${acc.other}&page_size=2&next=${first.next}`)).json;
    expect(second.data.map((f: { feedback: string }) => f.feedback)).toEqual(['note 1']);
    expect(second.next).toBeNull();
    const all = (await list()).json.data as Array<{ account_id: string }>;
    expect(new Set(all.map((f) => f.account_id))).toEqual(new Set([acc.oneflow, acc.other]));
    expect((await list('', keyB)).json).toEqual({ data: [], next: null });
    expect((await list('?next=bogus')).status).toBe(400);
    expect((await list('?page_size=0')).status).toBe(400);
  });
});
