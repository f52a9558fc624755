import { describe, expect, it } from 'vitest';
import { eventsProblem, eventsSchema } from './events-schema.js';

const base = {
  mode: 'programmatic',
  event_id: '${body.id}',
  type: '${body.type}',
  subscription: {
    create: { method: 'POST', path: '/hooks', body: { url: '${event.inbound_url}' }, id: 'id' },
    delete: { method: 'DELETE', path: '/hooks/${event.subscription_id}' },
  },
  types: [{ name: 'x.thing.created', label: 'Thing created', provider_event: 'thing.created' }],
};
const problem = (over: Record<string, unknown>, config: string[] = []) =>
  eventsProblem('x', eventsSchema.parse({ ...base, ...over }), config);

describe('eventsProblem', () => {
  it('accepts a secret read after the create, and refuses it beside a secret in the create answer or without secret: subscription', () => {
    const secret_request = { path: '/hooks/${event.subscription_id}/secret', secret: 'secret' };
    expect(
      problem({ secret: 'subscription', subscription: { ...base.subscription, secret_request } }),
    ).toBeNull();
    expect(problem({ secret: 'subscription' })).toMatch(/secret_request/);
    expect(problem({ subscription: { ...base.subscription, secret_request } })).toMatch(
      /needs `secret: subscription`/,
    );
    expect(
      problem({
        secret: 'subscription',
        subscription: {
          ...base.subscription,
          secret_request,
          create: { ...base.subscription.create, secret: 's' },
        },
      }),
    ).toMatch(/not both/);
  });

  it('requires_config names config fields that exist', () => {
    const subscription = { ...base.subscription, requires_config: ['repo'] };
    expect(problem({ subscription }, ['repo'])).toBeNull();
    expect(problem({ subscription }, ['owner'])).toMatch(/"repo", which is not a config field/);
  });

  it('a handshake is recognised by a body path or a delivery text, exactly one of them', () => {
    const handshake = (when: Record<string, string>) => ({ handshake: { when, respond: '' } });
    expect(problem(handshake({ path: 'type', equals: 'url_verification' }))).toBeNull();
    expect(problem(handshake({ value: '${header.x-github-event}', equals: 'ping' }))).toBeNull();
    expect(problem(handshake({ equals: 'ping' }))).toMatch(/exactly one/);
    expect(problem(handshake({ path: 'type', value: '${header.x}', equals: 'ping' }))).toMatch(/exactly one/);
  });
});
