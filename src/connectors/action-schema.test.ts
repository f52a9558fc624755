import { describe, expect, it } from 'vitest';
import { actionProblem, actionSchema } from './action-schema.js';

const action = (over: Record<string, unknown> = {}) =>
  actionSchema.parse({
    id: 'acme_get_ticket',
    label: 'Get a ticket',
    inputs: [
      { key: 'id', type: 'string', required: true },
      { key: 'expand', type: 'boolean' },
    ],
    request: { path: '/tickets/${input.id}', query: { expand: '${input.expand}' } },
    ...over,
  });
const known = new Set(['config.subdomain']);

describe('action definitions', () => {
  it('accepts a well-formed action', () => {
    expect(actionProblem('acme', [action()], known)).toBeNull();
  });

  it.each([
    [[action({ id: 'other_get_ticket' })], 'action other_get_ticket must start with "acme_"'],
    [[action(), action()], 'duplicate action id acme_get_ticket'],
    [
      [action({ request: { path: '/tickets/${input.ticket}' } })],
      'action acme_get_ticket: template names unknown input ${input.ticket}',
    ],
    [
      [action({ request: { path: '/tickets/${input.expand}' } })],
      'action acme_get_ticket: path input expand must be required or have a default',
    ],
    [
      [action({ request: { path: '/t', query: { token: '${credentials.access_token}' } } })],
      'action acme_get_ticket: templates may not use credentials (${credentials.access_token})',
    ],
    [
      [action({ request: { path: '/t', query: { s: '${config.nope}' } } })],
      'action acme_get_ticket: template names unknown value ${config.nope}',
    ],
    [
      [
        action({
          inputs: [{ key: 'next', type: 'string' }],
          request: { path: '/t' },
          result: { data: 'items', next: 'links.next' },
        }),
      ],
      'action acme_get_ticket: the input "next" is reserved for paging',
    ],
    [
      [action({ inputs: [{ key: 'n', type: 'integer', enum: ['1'] }], request: { path: '/t' } })],
      'action acme_get_ticket: input n has an enum but is not a string',
    ],
    [
      [action({ inputs: [{ key: 's', type: 'string', pattern: '(' }], request: { path: '/t' } })],
      'action acme_get_ticket: input s has an invalid pattern',
    ],
    [
      [
        action({
          inputs: [],
          request: { path: '/t' },
          result: { data: 'items', next: { type: 'cursor', path: 'next', body_key: 'after' } },
        }),
      ],
      'action acme_get_ticket: result.next.body_key needs a request with a body (POST, PUT or PATCH), not GET',
    ],
    [
      [
        action({
          inputs: [{ key: 'page', type: 'integer' }],
          request: { path: '/t' },
          result: { data: 'items', next: { type: 'page', param: 'page' } },
        }),
      ],
      'action acme_get_ticket: result.next.param "page" is also an input key; paging sets it',
    ],
    [
      [
        action({
          inputs: [],
          request: { path: '/t', query: { offset: '0' } },
          result: { data: 'items', next: { type: 'offset', param: 'offset' } },
        }),
      ],
      'action acme_get_ticket: result.next.param "offset" is also in request.query; paging sets it',
    ],
    [
      [
        action({
          inputs: [],
          request: { path: '/t' },
          result: { data: 'items', next: { type: 'cursor', path: 'next' } },
        }),
      ],
      'action acme_get_ticket: result.next (cursor) needs exactly one of param, body_key or input',
    ],
    [
      [
        action({
          inputs: [],
          request: { method: 'POST', path: '/t', body: { after: 'x' } },
          result: { data: 'items', next: { type: 'cursor', path: 'next', param: 'a', body_key: 'after' } },
        }),
      ],
      'action acme_get_ticket: result.next (cursor) needs exactly one of param, body_key or input',
    ],
    [
      [
        action({
          inputs: [{ key: 'after', type: 'string' }],
          request: { method: 'POST', path: '/graphql', body: { variables: { after: '${input.after}' } } },
          result: { data: 'items', next: { type: 'cursor', path: 'next', body_key: 'variables.after' } },
        }),
      ],
      'action acme_get_ticket: result.next.body_key "variables.after" is already set in request.body',
    ],
    [
      [
        action({
          inputs: [{ key: 'per_page', type: 'string' }],
          request: { path: '/t' },
          result: { data: 'items', next: { type: 'page', param: 'page', page_size: 'per_page' } },
        }),
      ],
      'action acme_get_ticket: result.next.page_size input per_page is not an integer',
    ],
    [
      [
        action({
          inputs: [],
          request: { path: '/t' },
          result: { data: 'items', next: { type: 'offset', param: 'offset', page_size: 'limit' } },
        }),
      ],
      'action acme_get_ticket: result.next.page_size names unknown input limit',
    ],
    [
      [
        action({
          inputs: [{ key: 'start', type: 'integer' }],
          request: { path: '/query', query: { q: 'SELECT * FROM T STARTPOSITION 1' } },
          result: { data: 'items', next: { type: 'offset', input: 'start', start: 1 } },
        }),
      ],
      'action acme_get_ticket: result.next.input start is in no template of the request',
    ],
    [
      [
        action({
          inputs: [],
          request: { path: '/query', query: { q: 'SELECT * FROM T STARTPOSITION ${input.start}' } },
          result: { data: 'items', next: { type: 'offset', input: 'start', start: 1 } },
        }),
      ],
      'action acme_get_ticket: result.next.input names unknown input start',
    ],
  ])('refuses %#', (actions, problem) => {
    expect(actionProblem('acme', actions, known)).toBe(problem);
  });

  it('accepts every paging style, and the string form as today', () => {
    const paged = (next: unknown, request: Record<string, unknown> = { path: '/t' }) =>
      action({ inputs: [{ key: 'limit', type: 'integer' }], request, result: { data: 'items', next } });
    const actions = [
      paged('links.next'),
      paged({ type: 'url', path: "$['@odata.nextLink']" }),
      paged({ type: 'link_header' }),
      paged({ type: 'cursor', path: 'meta.next', param: 'cursor', has_more: 'meta.more' }),
      paged(
        { type: 'cursor', path: 'pageInfo.endCursor', body_key: 'variables.after' },
        { method: 'POST', path: '/graphql', body: { query: 'q', variables: { first: '${input.limit}' } } },
      ),
      paged({ type: 'page', param: 'page', page_size: 'limit' }),
      paged({ type: 'offset', param: 'offset', page_size: 50 }),
      paged({ type: 'last_item', item_path: 'id', param: 'starting_after', has_more: 'has_more' }),
    ];
    for (const a of actions) expect(actionProblem('acme', [a], known)).toBeNull();
    expect(actions[5]!.result.next).toEqual({ type: 'page', param: 'page', page_size: 'limit', start: 1 });
    expect(actions[0]!.request.body_format).toBe('json');
  });

  it('refuses an unknown paging type or a key a paging type does not have', () => {
    const parse = (next: unknown) =>
      actionSchema.safeParse({ id: 'acme_x', label: 'X', request: { path: '/x' }, result: { next } }).success;
    expect(parse({ type: 'token', path: 'next' })).toBe(false);
    expect(parse({ type: 'link_header', path: 'next' })).toBe(false);
    expect(parse({ type: 'cursor', path: 'next', param: 'c', start: 1 })).toBe(false);
    expect(parse({ type: 'cursor', path: 'next', body_key: 'a..b' })).toBe(false);
    expect(
      actionSchema.safeParse({ id: 'acme_x', label: 'X', request: { path: '/x', body_format: 'xml' } })
        .success,
    ).toBe(false);
  });

  it('refuses unknown keys (a typo must not silently change behaviour)', () => {
    expect(
      actionSchema.safeParse({ id: 'acme_x', label: 'X', request: { path: '/x', methd: 'POST' } }).success,
    ).toBe(false);
  });
});
