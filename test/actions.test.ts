import { loadConnectors } from '../src/connectors/loader.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWorld } from './helpers/world.js';
import type { Profiles } from './helpers/link-accounts.js';
import { StackOne } from '@stackone/stackone-client-ts';
import * as errors from '@stackone/stackone-client-ts/sdk/models/errors/index.js';
import { Include } from '@stackone/stackone-client-ts/sdk/models/operations/stackonelistactionsmeta.js';
import { api, type TestServer } from './helpers/server.js';
import { linkKustomer, linkOneflow, linkSalesforce, onAccount } from './helpers/link-accounts.js';
import type { FakeProvider, SeedFakes } from './helpers/seed-fakes.js';

/** A Kustomer record as its API answers it (JSON:API). */
interface JsonApiResource {
  type: string;
  id: string;
  attributes: Record<string, unknown>;
  relationships?: Record<string, { data: { type: string; id: string } }>;
}
type SfRecord = { attributes: { type: string; url: string }; Id: string } & Record<string, unknown>;
type OneflowItem = { id: number; name: string; state?: string };

let server: TestServer;
let fakes: SeedFakes;
let profiles: Profiles;
const acc = { kustomer: '', salesforce: '', oneflow: '' };

/** The live fixture of one action of a fake: its records, page size, key and variants. */
const action = (fake: FakeProvider, id: string) => fake.fixture.actions[id]!;
const SF_BASE = '/services/data/v60.0';
const SF_QUERY = `${SF_BASE}/query`;
const sfRecord = (type: string, id: string, fields: Record<string, unknown>): SfRecord => ({
  attributes: { type, url: `${SF_BASE}/sobjects/${type}/${id}` },
  Id: id,
  ...fields,
});
/** The fields each list action's SOQL selects, and the records the org holds, in the SOQL's order. */
const SF_ACCOUNTS = ['Acme Corp', 'Globex', 'Initech', 'Soylent', 'Umbrella'].map((name, i) =>
  sfRecord('Account', `0015w00002${String(i).padStart(3, '0')}AAAAAA`.slice(0, 18), {
    Name: name,
    Type: 'Customer',
    Industry: 'Manufacturing',
    Website: `https://${name.toLowerCase().replace(/ /g, '')}.example.com`,
    Phone: `+1 555 010${i}`,
    BillingCity: 'Springfield',
    BillingCountry: 'US',
    CreatedDate: '2024-01-02T09:00:00.000+0000',
    LastModifiedDate: '2024-02-03T09:00:00.000+0000',
  }),
);
const SF_CONTACTS = ['Dijkstra', 'Hopper', 'Lovelace', 'Turing'].map((last, i) =>
  sfRecord('Contact', `0035w00002${String(i).padStart(3, '0')}AAAAAA`.slice(0, 18), {
    AccountId: SF_ACCOUNTS[i % 2]!.Id,
    FirstName: ['Edsger', 'Grace', 'Ada', 'Alan'][i],
    LastName: last,
    Name: `${['Edsger', 'Grace', 'Ada', 'Alan'][i]} ${last}`,
    Title: 'Engineer',
    Email: `${last.toLowerCase()}@example.com`,
    Phone: null,
    CreatedDate: '2024-01-02T09:00:00.000+0000',
    LastModifiedDate: '2024-02-03T09:00:00.000+0000',
  }),
);
const SF_OPPORTUNITIES = ['Renewal', 'Big deal', 'Small deal'].map((name, i) =>
  sfRecord('Opportunity', `0065w00002${String(i).padStart(3, '0')}AAAAAA`.slice(0, 18), {
    AccountId: SF_ACCOUNTS[0]!.Id,
    Name: name,
    StageName: 'Prospecting',
    Amount: 1000 * (i + 1),
    Probability: 10,
    CloseDate: `2024-0${3 - i}-01`,
    IsClosed: false,
    IsWon: false,
    CreatedDate: '2024-01-02T09:00:00.000+0000',
    LastModifiedDate: '2024-02-03T09:00:00.000+0000',
  }),
);
const ACCOUNT_FIELDS = [
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
];
const CONTACT_FIELDS = [
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
];
const OPPORTUNITY_FIELDS = [
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
];
/** The SOQL a list action sends: its fields, its order, its limit. */
const soql = (type: string, fields: string[], by: string, desc: boolean, limit = 200) =>
  `SELECT ${fields.join(', ')} FROM ${type} ORDER BY ${by}${desc ? ' DESC' : ''} LIMIT ${limit}`;
const SOQL_CONTACTS = 'SELECT Id, Name, Email FROM Contact ORDER BY Name';
const SOQL_MALFORMED = 'SELECT Nope FROM Account';

const world = useWorld({ workers: false });
beforeAll(async () => {
  ({ server, fakes, profiles } = world);
  // Kustomer: 30 customers over pages, every conversation on one page, any record read by its id.
  const customers = action(fakes.kustomer, 'kustomer_list_customers').records as JsonApiResource[];
  for (let i = customers.length + 1; i <= 30; i++)
    customers.push({ type: 'customer', id: `cus_${i}`, attributes: { name: `Customer ${i}` } });
  Object.assign(action(fakes.kustomer, 'kustomer_get_customer'), { key: 'id', records: customers });
  action(fakes.kustomer, 'kustomer_list_conversations').page_size = 100;
  Object.assign(action(fakes.kustomer, 'kustomer_get_conversation'), {
    key: 'id',
    records: action(fakes.kustomer, 'kustomer_list_conversations').records,
  });
  // Kustomer's answer to an id it does not hold (JSON:API errors).
  fakes.kustomer.fixture.api.not_found = {
    status: 404,
    body: { errors: [{ status: 404, title: 'Not Found' }] },
  };
  // Salesforce: next pages as query locators, the org's records, the SOQL texts the tests send.
  fakes.salesforce.fixture.next_link_locator = SF_QUERY;
  const sf = (id: string) => action(fakes.salesforce, id);
  for (const [list, get, records] of [
    ['salesforce_list_accounts', 'salesforce_get_account', SF_ACCOUNTS],
    ['salesforce_list_contacts', 'salesforce_get_contact', SF_CONTACTS],
    ['salesforce_list_opportunities', 'salesforce_get_opportunity', SF_OPPORTUNITIES],
  ] as const) {
    sf(list).records = records;
    Object.assign(sf(get), { key: 'Id', records });
  }
  sf('salesforce_soql_query').variants.push(
    {
      query: { q: SOQL_CONTACTS },
      records: Array.from({ length: 8 }, (_, i) =>
        sfRecord('Contact', `0035w00003${String(i).padStart(3, '0')}AAAAAA`.slice(0, 18), {
          Name: `Contact ${String.fromCharCode(65 + i)}`,
          Email: `c${i}@example.com`,
        }),
      ),
    },
    {
      query: { q: SOQL_MALFORMED },
      answer: {
        status: 400,
        body: [
          {
            message:
              "\nSELECT Nope FROM Account\n       ^\nERROR at Row:1:Column:8\nNo such column 'Nope' on entity 'Account'.",
            errorCode: 'INVALID_FIELD',
          },
        ],
      },
    },
  );
  sf('salesforce_list_accounts').variants.push({
    query: { q: soql('Account', ACCOUNT_FIELDS, 'Name', false, 2) },
    records: SF_ACCOUNTS.slice(0, 2),
  });
  // Oneflow: seven contracts in several states, every workspace on one page, a state filter.
  const contracts = action(fakes.oneflow, 'oneflow_list_contracts').records as OneflowItem[];
  contracts.push(
    ...['declined', 'overdue', 'draft', 'closed'].map((state, i) => ({
      id: 1004 + i,
      name: `Contract ${4 + i}`,
      state,
    })),
  );
  Object.assign(action(fakes.oneflow, 'oneflow_get_contract'), { key: 'id', records: contracts });
  action(fakes.oneflow, 'oneflow_list_workspaces').page_size = 100;
  action(fakes.oneflow, 'oneflow_list_contracts').variants.push({
    query: { 'filter[state]': 'signed,pending' },
    records: contracts.filter((c) => c.state === 'signed' || c.state === 'pending'),
  });
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
    const list = action(fakes.kustomer, 'kustomer_list_customers');
    list.page_size = 12;
    const before = fakes.kustomer.requests.length;
    try {
      const pages = await allPages(acc.kustomer, 'kustomer_list_customers', { page_size: 12 });
      expect(pages.map((p) => p.length)).toEqual([12, 12, 6]);
      expect(pages.flat()).toEqual((list.records as JsonApiResource[]).map((c) => kItem(c)));
      // Every page asked Kustomer for the page size the caller gave.
      const calls = fakes.kustomer.requests.slice(before).filter((r) => r.path === '/v1/customers');
      expect(calls.map((r) => r.query.pageSize)).toEqual(['12', '12', '12']);
    } finally {
      list.page_size = 2;
    }
  });

  it('kustomer_get_customer', async () => {
    const c = (action(fakes.kustomer, 'kustomer_list_customers').records as JsonApiResource[])[4]!;
    const res = await rpc(acc.kustomer, 'kustomer_get_customer', { path: { id: c.id } });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ data: kItem(c), next: null });
  });

  it('kustomer_list_conversations and kustomer_get_conversation', async () => {
    const list = await rpc(acc.kustomer, 'kustomer_list_conversations', {});
    const conversations = action(fakes.kustomer, 'kustomer_list_conversations').records as JsonApiResource[];
    const expected = conversations.map((c) => kItem(c, { customer_id: c.relationships?.customer?.data.id }));
    expect(list.json).toEqual({ data: expected, next: null });
    const one = await rpc(acc.kustomer, 'kustomer_get_conversation', { path: { id: expected[1]!.id } });
    expect(one.json).toEqual({ data: expected[1], next: null });
  });

  it('kustomer_list_conversation_messages', async () => {
    // The conversation whose messages the fake holds, two to a page.
    const messages = action(fakes.kustomer, 'kustomer_list_conversation_messages');
    const conversation = { id: String(messages.input.conversation_id) };
    expect(messages.page_size).toBe(2);
    const pages = await allPages(
      acc.kustomer,
      'kustomer_list_conversation_messages',
      { page_size: 2 },
      { conversation_id: conversation.id },
    );
    expect(pages.map((p) => p.length)).toEqual([2, 1]);
    expect(pages.flat()).toEqual(
      (messages.records as JsonApiResource[]).map((m) => kItem(m, { conversation_id: conversation.id })),
    );
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
  const sfAction = (id: string) => action(fakes.salesforce, id);
  const lastQuery = () => fakes.salesforce.requests.findLast((r) => r.path === SF_QUERY);

  it('salesforce_soql_query follows nextRecordsUrl batch by batch', async () => {
    sfAction('salesforce_soql_query').page_size = 3;
    try {
      const pages = await allPages(acc.salesforce, 'salesforce_soql_query', { query: SOQL_CONTACTS });
      expect(pages.map((p) => p.length)).toEqual([3, 3, 2]);
      const answered = sfAction('salesforce_soql_query').variants.find((v) => v.query.q === SOQL_CONTACTS);
      expect(pages.flat()).toEqual(answered!.records);
      expect(lastQuery()?.query.q).toBe(SOQL_CONTACTS);
      const nextCalls = fakes.salesforce.requests.filter((r) =>
        /^\/services\/data\/v60\.0\/query\/01g/.test(r.path),
      );
      expect(nextCalls.length).toBeGreaterThanOrEqual(2);
    } finally {
      sfAction('salesforce_soql_query').page_size = 2;
    }
  });

  const lists: Array<[string, string, string, boolean, string[]]> = [
    ['salesforce_list_accounts', 'Account', 'Name', false, ACCOUNT_FIELDS],
    ['salesforce_list_contacts', 'Contact', 'LastName', false, CONTACT_FIELDS],
    ['salesforce_list_opportunities', 'Opportunity', 'CloseDate', true, OPPORTUNITY_FIELDS],
  ];
  it.each(lists)('%s lists every %s over pages', async (id, type, by, desc, fields) => {
    const records = sfAction(id).records;
    expect(sfAction(id).page_size).toBe(2);
    const pages = await allPages(acc.salesforce, id, {});
    expect(pages.flat()).toEqual(records);
    expect(pages.length).toBe(Math.ceil(records.length / 2));
    // The action's SOQL selects its fields, in its order, up to its default limit.
    expect(lastQuery()?.query.q).toBe(soql(type, fields, by, desc));
  });

  it('salesforce_list_accounts honours its limit', async () => {
    const res = await rpc(acc.salesforce, 'salesforce_list_accounts', { query: { limit: 2 } });
    expect(res.status, res.text).toBe(200);
    expect(lastQuery()?.query.q).toBe(soql('Account', ACCOUNT_FIELDS, 'Name', false, 2));
    expect(res.json.data.map((r: { Name: string }) => r.Name)).toEqual(['Acme Corp', 'Globex']);
    expect(res.json.next).toBeNull();
  });

  it.each([
    ['salesforce_get_account', 'Account'],
    ['salesforce_get_contact', 'Contact'],
    ['salesforce_get_opportunity', 'Opportunity'],
  ])('%s reads the whole %s record', async (id, type) => {
    const record = sfAction(id).records[1] as SfRecord;
    const res = await rpc(acc.salesforce, id, { path: { id: record.Id } });
    expect(res.status).toBe(200);
    expect(res.json.next).toBeNull();
    expect(res.json.data).toMatchObject({
      attributes: { type, url: `${SF_BASE}/sobjects/${type}/${record.Id}` },
      Id: record.Id,
      Name: record.Name,
    });
    expect(res.json.data).toEqual(record);
  });

  it("a malformed query is a 400 with Salesforce's words", async () => {
    const res = await rpc(acc.salesforce, 'salesforce_soql_query', {
      query: { query: SOQL_MALFORMED },
    });
    expect(lastQuery()?.query.q).toBe(SOQL_MALFORMED);
    expect(res.status).toBe(400);
    expect(res.json.message).toMatch(/^Salesforce answered 400: /);
    expect(res.json.provider_errors[0].raw[0].errorCode).toBe('INVALID_FIELD');
  });
});

describe('Oneflow actions', () => {
  it('oneflow_list_contracts pages with limit and filters by state', async () => {
    const contracts = action(fakes.oneflow, 'oneflow_list_contracts').records as OneflowItem[];
    const before = fakes.oneflow.requests.length;
    const pages = await allPages(acc.oneflow, 'oneflow_list_contracts', { limit: 2 });
    expect(pages.map((p) => p.length)).toEqual([2, 2, 2, 1]);
    expect(pages.flat()).toEqual(contracts);
    const calls = fakes.oneflow.requests.slice(before).filter((r) => r.path === '/v1/contracts');
    expect(calls.map((r) => r.query.limit)).toEqual(['2', '2', '2', '2']);
    const signed = await rpc(acc.oneflow, 'oneflow_list_contracts', { query: { state: 'signed,pending' } });
    expect(signed.json).toEqual({
      data: contracts.filter((c) => c.state === 'signed' || c.state === 'pending'),
      next: null,
    });
    const last = fakes.oneflow.requests[fakes.oneflow.requests.length - 1]!;
    expect(last.query).toEqual({ 'filter[state]': 'signed,pending' });
  });

  it('oneflow_get_contract, oneflow_list_workspaces, oneflow_list_templates', async () => {
    const contract = (action(fakes.oneflow, 'oneflow_list_contracts').records as OneflowItem[])[3]!;
    expect((await rpc(acc.oneflow, 'oneflow_get_contract', { path: { id: contract.id } })).json).toEqual({
      data: contract,
      next: null,
    });
    expect((await rpc(acc.oneflow, 'oneflow_list_workspaces')).json).toEqual({
      data: action(fakes.oneflow, 'oneflow_list_workspaces').records,
      next: null,
    });
    expect((await rpc(acc.oneflow, 'oneflow_list_templates', { query: { limit: '2' } })).json).toEqual({
      data: action(fakes.oneflow, 'oneflow_list_templates').records.slice(0, 2),
      next: expect.any(String),
    });
    expect(fakes.oneflow.requests.at(-1)).toMatchObject({ path: '/v1/templates', query: { limit: '2' } });
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
    const list = action(fakes.kustomer, 'kustomer_list_customers');
    list.page_size = 3;
    const res = await sdk()
      .actions.rpcAction({
        action: 'kustomer_list_customers',
        query: { page_size: 3 },
        headers: { 'x-account-id': acc.kustomer },
        body: {},
        path: {},
      })
      .finally(() => {
        list.page_size = 2;
      });
    expect(res.statusCode).toBe(200);
    expect(fakes.kustomer.requests.findLast((r) => r.path === '/v1/customers')?.query.pageSize).toBe('3');
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

describe('the fake providers', () => {
  it('saw no request that broke a rule of the connector files, and none for something they do not serve', () => {
    for (const fake of [fakes.kustomer, fakes.salesforce, fakes.oneflow]) {
      expect(fake.problems).toEqual([]);
      expect(fake.unexpected).toEqual([]);
    }
  });
});
