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
  ])('refuses %#', (actions, problem) => {
    expect(actionProblem('acme', actions, known)).toBe(problem);
  });

  it('refuses unknown keys (a typo must not silently change behaviour)', () => {
    expect(
      actionSchema.safeParse({ id: 'acme_x', label: 'X', request: { path: '/x', methd: 'POST' } }).success,
    ).toBe(false);
  });
});
