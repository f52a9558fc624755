import { loadConnectors } from '../src/connectors/loader.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWorld } from './helpers/world.js';
import type { Profiles } from './helpers/link-accounts.js';
import { StackOne } from '@stackone/stackone-client-ts';
import * as errors from '@stackone/stackone-client-ts/sdk/models/errors/index.js';
import { Include } from '@stackone/stackone-client-ts/sdk/models/operations/stackonelistactionsmeta.js';
import { api, type TestServer } from './helpers/server.js';
import type { Fakes } from './helpers/linking.js';
import { linkKustomer, linkOneflow, linkSalesforce, onAccount } from './helpers/link-accounts.js';
import type { JsonApiResource } from './fakes/kustomer.js';
import type { SfRecord } from './fakes/salesforce.js';

let server: TestServer;
let fakes: Fakes;
let profiles: Profiles;
const acc = { kustomer: '', salesforce: '', oneflow: '' };

const world = useWorld({ workers: false });
beforeAll(async () => {
  ({ server, fakes, profiles } = world);
  acc.kustomer = await linkKustomer(server, profiles);
  acc.salesforce = await linkSalesforce(server, profiles);
  acc.oneflow = await linkOneflow(server, profiles);
});

const rpc = (account: string, action: string, input: { path?: object; query?: object; body?: object } = {}) =>
  onAccount(server, account)('POST', '/actions/rpc', { action, ...input });

/** Runs a paging action to its end, following `next`; returns every page's data. */
async function allPages(account: string, action: string, query: Record<string, unknown>, path: object = {}) {
  const pages: unknown[][] = [];
  let next: string | null = null;
  do {
    const res = await rpc(account, action, { path, query: next ? { ...query, next } : query });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    pages.push(res.json.data);
    next = res.json.next;
  } while (next && pages.length < 20);
  return pages;
}

const kItem = (r: JsonApiResource, extra: Record<string, unknown> = {}) => ({
  ...r.attributes,
  id: r.id,
  type: r.type,
  ...extra,
});

/** Each shipped connector with actions and its action count, in key order (as /actions lists them). */
async function shippedActionCounts(): Promise<Array<[string, number]>> {
  return (await loadConnectors())
    .list()
    .filter((c) => c.actions.length > 0)
    .map((c): [string, number] => [c.key, c.actions.length])
    .sort(([a], [b]) => a.localeCompare(b));
}

describe('Kustomer actions', () => {
  it('kustomer_list_customers pages through every customer with next', async () => {
    const pages = await allPages(acc.kustomer, 'kustomer_list_customers', { page_size: 12 });
    expect(pages.map((p) => p.length)).toEqual([12, 12, 6]);
    expect(pages.flat()).toEqual(fakes.kustomer.customers.map((c) => kItem(c)));
  });

  it('kustomer_get_customer', async () => {
    const c = fakes.kustomer.customers[4]!;
    const res = await rpc(acc.kustomer, 'kustomer_get_customer', { path: { id: c.id } });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ data: kItem(c), next: null });
  });

  it('kustomer_list_conversations and kustomer_get_conversation', async () => {
    const list = await rpc(acc.kustomer, 'kustomer_list_conversations', {});
    const expected = fakes.kustomer.conversations.map((c) =>
      kItem(c, { customer_id: c.relationships?.customer?.data.id }),
    );
    expect(list.json).toEqual({ data: expected, next: null });
    const one = await rpc(acc.kustomer, 'kustomer_get_conversation', { path: { id: expected[1]!.id } });
    expect(one.json).toEqual({ data: expected[1], next: null });
  });

  it('kustomer_list_conversation_messages', async () => {
    const conversation = fakes.kustomer.conversations[2]!;
    const messages = fakes.kustomer.messages.get(conversation.id)!;
    const pages = await allPages(
      acc.kustomer,
      'kustomer_list_conversation_messages',
      { page_size: 2 },
      { conversation_id: conversation.id },
    );
    expect(pages.map((p) => p.length)).toEqual([2, 1]);
    expect(pages.flat()).toEqual(messages.map((m) => kItem(m, { conversation_id: conversation.id })));
  });

  it("a provider 404 keeps its status and the provider's words", async () => {
    const res = await rpc(acc.kustomer, 'kustomer_get_customer', {
      path: { id: '60a0ffffffffffffffffffff' },
    });
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({
      statusCode: 404,
      message: 'Kustomer answered 404: Not Found',
      provider_errors: [{ status: 404 }],
    });
  });
});

describe('Salesforce actions', () => {
  const base = '/services/data/v60.0';
  const shape = (type: string, r: SfRecord, fields: string[]) => ({
    attributes: { type, url: `${base}/sobjects/${type}/${r.Id}` },
    ...Object.fromEntries(fields.map((f) => [f, r[f] ?? null])),
  });
  const sorted = (type: string, by: string, desc = false) =>
    [...fakes.salesforce.records[type]!].sort(
      (a, b) => String(a[by]).localeCompare(String(b[by])) * (desc ? -1 : 1),
    );

  it('salesforce_soql_query follows nextRecordsUrl batch by batch', async () => {
    fakes.salesforce.pageSize = 3;
    try {
      const pages = await allPages(acc.salesforce, 'salesforce_soql_query', {
        query: 'SELECT Id, Name, Email FROM Contact ORDER BY Name',
      });
      expect(pages.map((p) => p.length)).toEqual([3, 3, 2]);
      expect(pages.flat()).toEqual(
        sorted('Contact', 'Name').map((r) => shape('Contact', r, ['Id', 'Name', 'Email'])),
      );
      const nextCalls = fakes.salesforce.requests.filter((r) =>
        /^\/services\/data\/v60\.0\/query\/01g/.test(r.path),
      );
      expect(nextCalls.length).toBeGreaterThanOrEqual(2);
    } finally {
      fakes.salesforce.pageSize = 2000;
    }
  });

  const lists: Array<[string, string, string, boolean, string[]]> = [
    [
      'salesforce_list_accounts',
      'Account',
      'Name',
      false,
      [
        'Id',
        'Name',
        'Type',
        'Industry',
        'Website',
        'Phone',
        'BillingCity',
        'BillingCountry',
        'CreatedDate',
        'LastModifiedDate',
      ],
    ],
    [
      'salesforce_list_contacts',
      'Contact',
      'LastName',
      false,
      [
        'Id',
        'AccountId',
        'FirstName',
        'LastName',
        'Name',
        'Title',
        'Email',
        'Phone',
        'CreatedDate',
        'LastModifiedDate',
      ],
    ],
    [
      'salesforce_list_opportunities',
      'Opportunity',
      'CloseDate',
      true,
      [
        'Id',
        'AccountId',
        'Name',
        'StageName',
        'Amount',
        'Probability',
        'CloseDate',
        'IsClosed',
        'IsWon',
        'CreatedDate',
        'LastModifiedDate',
      ],
    ],
  ];
  it.each(lists)('%s lists every %s over pages', async (action, type, by, desc, fields) => {
    fakes.salesforce.pageSize = 2;
    try {
      const pages = await allPages(acc.salesforce, action, {});
      expect(pages.flat()).toEqual(sorted(type, by, desc).map((r) => shape(type, r, fields)));
      expect(pages.length).toBe(Math.ceil(fakes.salesforce.records[type]!.length / 2));
    } finally {
      fakes.salesforce.pageSize = 2000;
    }
  });

  it('salesforce_list_accounts honours its limit', async () => {
    const res = await rpc(acc.salesforce, 'salesforce_list_accounts', { query: { limit: 2 } });
    expect(res.json.data.map((r: { Name: string }) => r.Name)).toEqual(['Acme Corp', 'Globex']);
    expect(res.json.next).toBeNull();
  });

  it.each([
    ['salesforce_get_account', 'Account'],
    ['salesforce_get_contact', 'Contact'],
    ['salesforce_get_opportunity', 'Opportunity'],
  ])('%s reads the whole %s record', async (action, type) => {
    const record = fakes.salesforce.records[type]![1]!;
    const res = await rpc(acc.salesforce, action, { path: { id: record.Id } });
    expect(res.status).toBe(200);
    expect(res.json.next).toBeNull();
    expect(res.json.data).toMatchObject({
      attributes: { type, url: `${base}/sobjects/${type}/${record.Id}` },
      Id: record.Id,
      Name: record.Name,
    });
  });

  it("a malformed query is a 400 with Salesforce's words", async () => {
    const res = await rpc(acc.salesforce, 'salesforce_soql_query', {
      query: { query: 'SELECT Nope FROM Account' },
    });
    expect(res.status).toBe(400);
    expect(res.json.message).toMatch(/^Salesforce answered 400: /);
    expect(res.json.provider_errors[0].raw[0].errorCode).toBe('INVALID_FIELD');
  });
});

describe('Oneflow actions', () => {
  it('oneflow_list_contracts pages with limit and filters by state', async () => {
    const pages = await allPages(acc.oneflow, 'oneflow_list_contracts', { limit: 3 });
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    expect(pages.flat()).toEqual(fakes.oneflow.contracts);
    const signed = await rpc(acc.oneflow, 'oneflow_list_contracts', { query: { state: 'signed,pending' } });
    expect(signed.json).toEqual({
      data: fakes.oneflow.contracts.filter((c) => c.state === 'signed' || c.state === 'pending'),
      next: null,
    });
    const last = fakes.oneflow.requests[fakes.oneflow.requests.length - 1]!;
    expect(last.query).toEqual({ 'filter[state]': 'signed,pending' });
  });

  it('oneflow_get_contract, oneflow_list_workspaces, oneflow_list_templates', async () => {
    const contract = fakes.oneflow.contracts[3]!;
    expect((await rpc(acc.oneflow, 'oneflow_get_contract', { path: { id: contract.id } })).json).toEqual({
      data: contract,
      next: null,
    });
    expect((await rpc(acc.oneflow, 'oneflow_list_workspaces')).json).toEqual({
      data: fakes.oneflow.workspaces,
      next: null,
    });
    expect((await rpc(acc.oneflow, 'oneflow_list_templates', { query: { limit: '2' } })).json).toEqual({
      data: fakes.oneflow.templates.slice(0, 2),
      next: expect.any(String),
    });
  });
});

describe('POST /actions/rpc input', () => {
  it("is validated against the action's schema", async () => {
    const cases: Array<[string, object, string]> = [
      ['kustomer_get_customer', {}, 'id: is required'],
      [
        'kustomer_list_customers',
        { query: { page_size: 0 } },
        'page_size: Too small: expected number to be >=1',
      ],
      [
        'kustomer_list_customers',
        { query: { page_size: 'ten' } },
        'page_size: Invalid input: expected number, received string',
      ],
      [
        'kustomer_list_customers',
        { query: { pageSize: 5 } },
        'kustomer_list_customers has no input "pageSize" (inputs: page_size, next)',
      ],
      [
        'kustomer_get_customer',
        { path: { id: 'a' }, query: { id: 'b' } },
        'id is given twice with different values',
      ],
    ];
    for (const [action, input, message] of cases) {
      const res = await rpc(acc.kustomer, action, input);
      expect([res.status, res.json.message], message).toEqual([400, message]);
    }
    const oneflow = await rpc(acc.oneflow, 'oneflow_list_contracts', { query: { workspace_ids: '1;DROP' } });
    expect([oneflow.status, oneflow.json.message]).toEqual([
      400,
      'workspace_ids: must match ^[0-9]+(,[0-9]+)*$',
    ]);
  });

  it('names the account in x-account-id (header or body headers) and refuses mismatches', async () => {
    const viaBody = await api(server)('POST', '/actions/rpc', {
      action: 'oneflow_list_workspaces',
      headers: { 'x-account-id': acc.oneflow },
    });
    expect(viaBody.status).toBe(200);
    const none = await api(server)('POST', '/actions/rpc', { action: 'oneflow_list_workspaces' });
    expect([none.status, none.json.message]).toEqual([
      400,
      'x-account-id header is required: the id of the linked account to act on',
    ]);
    const unknown = await rpc(acc.oneflow, 'oneflow_delete_everything');
    expect([unknown.status, unknown.json.message]).toEqual([
      404,
      'Action oneflow_delete_everything not found',
    ]);
    const wrong = await rpc(acc.oneflow, 'kustomer_list_customers');
    expect([wrong.status, wrong.json.message]).toEqual([
      400,
      `Action kustomer_list_customers is a Kustomer action; account ${acc.oneflow} is linked to Oneflow`,
    ]);
  });

  it("honours the profile's enabled_actions", async () => {
    const profile = await api(server)('POST', '/connector_profiles', {
      provider: 'oneflow',
      default: false,
      enabled_actions: ['oneflow_list_workspaces'],
    });
    const limited = await linkOneflow(server, profiles, 'limited-owner', profile.json.id);
    expect((await rpc(limited, 'oneflow_list_workspaces')).status).toBe(200);
    const refused = await rpc(limited, 'oneflow_list_contracts');
    expect([refused.status, refused.json.message]).toEqual([
      403,
      "Action oneflow_list_contracts is not enabled on the account's connector profile (enabled_actions)",
    ]);
    const meta = await api(server)(
      'GET',
      `/actions?filter[account_ids]=${limited}&include=operation_details`,
    );
    expect(
      meta.json.data.map((g: { key: string; actions: Array<{ id: string }> }) => [
        g.key,
        g.actions.map((a) => a.id),
      ]),
    ).toEqual([['oneflow', ['oneflow_list_workspaces']]]);
  });
});

describe('GET /actions', () => {
  it('lists the catalogue by connector, with input schemas on request', async () => {
    const res = await api(server)(
      'GET',
      '/actions?group_by=connector&include=operation_details&page_size=100',
    );
    expect(res.status).toBe(200);
    expect(res.json.next).toBeNull();
    const groups = res.json.data.map((g: { key: string; actions: unknown[] }) => [g.key, g.actions.length]);
    expect(groups).toEqual(await shippedActionCounts());
    expect(groups).toEqual(
      expect.arrayContaining([
        ['kustomer', 5],
        ['oneflow', 4],
        ['salesforce', 7],
      ]),
    );
    const kustomer = res.json.data.find((g: { key: string }) => g.key === 'kustomer');
    expect(kustomer).toMatchObject({
      key: 'kustomer',
      name: 'Kustomer',
      version: '1.0.0',
      icon: `${server.app.deps.settings.publicUrl()}/connectors/logos/kustomer`,
      authentication: [{ key: 'oauth2', label: 'OAuth 2.0', type: 'oauth2' }],
    });
    expect(kustomer.actions[1]).toEqual({
      id: 'kustomer_get_customer',
      label: 'Get a customer',
      description: 'Reads one customer by id.',
      schema_type: 'native',
      tags: ['customers'],
      authentication: [{ key: 'oauth2', label: 'OAuth 2.0', type: 'oauth2' }],
      operation_details: {
        method: 'GET',
        path: '/v1/customers/${input.id}',
        query: {},
        paginated: false,
        input_schema: {
          type: 'object',
          properties: {
            id: {
              type: 'string',
              description: "The customer's id",
              maxLength: 64,
              pattern: '^[A-Za-z0-9_-]{1,64}$',
            },
          },
          required: ['id'],
          additionalProperties: false,
        },
      },
    });
  });

  it('filters by connector and action key, and pages with next', async () => {
    const one = await api(server)(
      'GET',
      '/actions?filter%5Bconnectors%5D=oneflow%2Csalesforce&filter%5Baction_key%5D=oneflow_get_contract&group_by=connector',
    );
    expect(
      one.json.data.map((g: { key: string; actions: Array<{ id: string; operation_details?: unknown }> }) => [
        g.key,
        g.actions.map((a) => a.id),
      ]),
    ).toEqual([['oneflow', ['oneflow_get_contract']]]);
    expect(one.json.data[0].actions[0].operation_details).toBeUndefined();
    const all = (await shippedActionCounts()).map(([key]) => key);
    const first = await api(server)('GET', '/actions?group_by=%5B%22connector%22%5D&page_size=2');
    expect(first.json.data.map((g: { key: string }) => g.key)).toEqual(all.slice(0, 2));
    const keys: string[] = [];
    let next: string | null = first.json.next;
    while (next) {
      const page = await api(server)('GET', `/actions?page_size=2&next=${next}`);
      expect(page.json.data.length).toBeLessThanOrEqual(2);
      keys.push(...page.json.data.map((g: { key: string }) => g.key));
      next = page.json.next;
    }
    expect(keys).toEqual(all.slice(2));
    const bad = await api(server)('GET', '/actions?group_by=category');
    expect([bad.status, bad.json.message]).toEqual([400, 'group_by: group_by must be connector']);
  });
});

describe('the official SDK', () => {
  const sdk = () =>
    new StackOne({
      serverURL: server.url,
      security: { username: server.apiKey, password: '' },
      retryConfig: { strategy: 'none' },
      timeoutMs: 15_000,
    });

  it('actions.rpcAction runs an action (account in headers, as the SDK sends it)', async () => {
    const res = await sdk().actions.rpcAction({
      action: 'kustomer_list_customers',
      query: { page_size: 3 },
      headers: { 'x-account-id': acc.kustomer },
      body: {},
      path: {},
    });
    expect(res.statusCode).toBe(200);
    // The SDK keeps the shape only: three records.
    expect(res.actionsRpcResponse?.data).toEqual([{}, {}, {}]);
    expect(typeof res.actionsRpcResponse?.next).toBe('string');
    const single = await sdk().actions.rpcAction({
      action: 'oneflow_get_contract',
      path: { id: 1001 },
      headers: { 'x-account-id': acc.oneflow },
    });
    expect(single.actionsRpcResponse?.data).toEqual({});
    const err = await sdk()
      .actions.rpcAction({
        action: 'oneflow_get_contract',
        path: { id: 'x' },
        headers: { 'x-account-id': acc.oneflow },
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(errors.BadRequestResponse);
  });

  it('actions.listActionsMeta pages through every connector', async () => {
    const pages = await sdk().actions.listActionsMeta({
      groupBy: 'connector',
      pageSize: '1',
      include: [Include.OperationDetails],
    });
    const keys: string[] = [];
    for await (const page of pages)
      keys.push(...(page.actionsMetaPaginated?.data ?? []).map((g) => g.key ?? ''));
    expect(keys).toEqual((await shippedActionCounts()).map(([key]) => key));
  });
});
