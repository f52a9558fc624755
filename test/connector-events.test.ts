// Connector events end to end: a seed fake provider delivers its own webhook to the account's
// inbound URL; Switchboard verifies and stores it, acknowledges, hydrates it through the
// provider's API at its real host name, and sends it on to the company's webhook endpoint.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, type TestServer } from './helpers/server.js';
import {
  createSession,
  hub,
  KUSTOMER_CLIENT,
  ONEFLOW_EMAIL,
  ONEFLOW_TOKEN,
  SALESFORCE_CLIENT,
} from './helpers/linking.js';
import { ORG, startShippedServer, startShippedWorld, type ShippedWorld } from './helpers/shipped.js';
import { startReceiver, type Receiver } from './helpers/receiver.js';
import { waitFor } from './helpers/wait.js';
import { settled } from './helpers/events.js';
import { runSwitchboard } from './helpers/process.js';
import { fireKustomerEvent, notifyOneflow, sendOutboundMessage } from './helpers/provider-events.js';
import { freePort } from '../src/store/embedded.js';
import { generateKeySpec } from '../src/core/vault.js';

let server: TestServer;
let world: ShippedWorld;
let receiver: Receiver;
let oneflowProfile = '';
let kustomerProfile = '';
let salesforceProfile = '';
const keys = generateKeySpec('events');

beforeAll(async () => {
  world = await startShippedWorld();
  // Oneflow's contracts API answers any contract the fake holds by its id (hydration reads them).
  const oneflow = world.fakes.oneflow.fixture.actions;
  Object.assign(oneflow.oneflow_get_contract!, {
    key: 'id',
    records: oneflow.oneflow_list_contracts!.records,
  });
  // The company's webhook receiver is on loopback: the private-network switch is on for it. The
  // providers still answer only at their real host names (no profile overrides).
  server = await startShippedServer(world, {
    SWITCHBOARD_ALLOW_PRIVATE_NETWORK: '1',
    SWITCHBOARD_ENCRYPTION_KEYS: keys,
  });
  receiver = await startReceiver();
  const call = api(server);
  const profile = await call('POST', '/connector_profiles', { provider: 'oneflow' });
  expect(profile.status, profile.text).toBe(201);
  expect(profile.json.enabled_events).toBeNull();
  oneflowProfile = profile.json.id;
  kustomerProfile = (await call('POST', '/connector_profiles', { provider: 'kustomer' })).json.id;
  salesforceProfile = (
    await call('POST', '/connector_profiles', {
      provider: 'salesforce',
      setup: { client_id: SALESFORCE_CLIENT.clientId, client_secret: SALESFORCE_CLIENT.clientSecret },
    })
  ).json.id;
  const hook = await call('POST', '/webhooks', {
    url: receiver.url,
    events: ['oneflow.*', 'kustomer.*', 'salesforce.*'],
  });
  expect(hook.status, JSON.stringify(hook.json)).toBe(201);
});
afterAll(async () => {
  await server?.close();
  await world?.close();
  await receiver?.close();
});

async function linkOneflow(owner: string): Promise<string> {
  const s = await createSession(server, { origin_owner_id: owner });
  const res = await hub(server, s.token)('POST', '/hub/accounts', {
    integration_id: oneflowProfile,
    credentials: { api_token: ONEFLOW_TOKEN, user_email: ONEFLOW_EMAIL },
  });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return res.json.id as string;
}

/** Waits until the workers have nothing left (every Kustomer account subscribed). */
const settledAll = () => settled(server, ['kustomer']);

/** The delivery the company's endpoint got for one provider event. */
function receivedFor(providerEventId: string) {
  return receiver.received.filter((r) => r.json.provider_event_id === providerEventId);
}

describe('Oneflow (manual: a URL and sign key per account)', () => {
  let accountId = '';
  let inbound = { url: '', secret: '' };
  /** The webhook the admin made in Oneflow with the account's URL and sign key. */
  let webhook = '';
  const notify = (contractId: number, types: string[], opts: { callbackId?: string; forge?: boolean } = {}) =>
    notifyOneflow(world.fakes.oneflow, webhook, contractId, types, opts);

  beforeAll(async () => {
    accountId = await linkOneflow('of-events');
    const res = await api(server)('GET', `/accounts/${accountId}/events`);
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({
      mode: 'manual',
      events: ['oneflow.contract.published'],
      subscription: null,
    });
    expect(res.json.inbound_url).toMatch(
      new RegExp(`^${server.app.deps.settings.publicUrl()}/events/inbound/oneflow/[A-Za-z0-9_-]{43}$`),
    );
    expect(res.json.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(res.json.setup_steps.join(' ')).toContain(res.json.inbound_url);
    inbound = { url: res.json.inbound_url, secret: res.json.secret };
    webhook = world.fakes.oneflow.subscribe(inbound.url, inbound.secret);
    // Asked again: the same address, not a new one.
    expect((await api(server)('GET', `/accounts/${accountId}/events`)).json.inbound_url).toBe(inbound.url);
  });

  it('a signed notification is acknowledged with 200, hydrated at api.oneflow.com and emitted once', async () => {
    const before = world.fakes.oneflow.requests.length;
    const sent = await notify(1001, ['contract:publish']);
    expect(sent.status).toBe(200);
    expect(JSON.parse(sent.body)).toEqual({ received: true });
    await settledAll();
    await waitFor(() => receivedFor(`${sent.callbackId}:9000`).length === 1);
    const got = receivedFor(`${sent.callbackId}:9000`)[0]!;
    expect(got.json).toMatchObject({
      event: 'oneflow.contract.published',
      account_id: accountId,
      provider: 'oneflow',
      origin_owner_id: 'of-events',
      raw: { id: 9000, type: 'contract:publish' },
    });
    // The thin notification was filled in from the contracts API, at Oneflow's real host.
    expect((got.json.data as { id: number }).id).toBe(1001);
    expect((got.json.data as { name?: string }).name).toBeTruthy();
    const hydration = world.fakes.oneflow.requests.slice(before).find((r) => r.path === '/v1/contracts/1001');
    expect(hydration?.host).toBe('api.oneflow.com');
    expect(got.headers['webhook-signature']).toMatch(/^v1,/);

    // Oneflow retries the same callback: acknowledged again, emitted no second time.
    const again = await notify(1001, ['contract:publish'], { callbackId: sent.callbackId });
    expect(again.status).toBe(200);
    await settledAll();
    expect(receivedFor(`${sent.callbackId}:9000`)).toHaveLength(1);
    const log = await api(server)('GET', `/inbound_deliveries?account_id=${accountId}`);
    expect(log.json.map((d: { outcome: string }) => d.outcome).slice(0, 2)).toEqual([
      'duplicate',
      'accepted',
    ]);
    expect(log.json[1].events[0]).toMatchObject({ status: 'emitted', event: 'oneflow.contract.published' });
  });

  it('a forged signature gets 401, is logged and counted, and emits nothing', async () => {
    const forged = await notify(1001, ['contract:publish'], { forge: true });
    expect(forged.status).toBe(401);
    expect(forged.body).not.toContain(inbound.secret);
    await settledAll();
    expect(receivedFor(`${forged.callbackId}:9000`)).toHaveLength(0);
    const log = await api(server)('GET', `/inbound_deliveries?account_id=${accountId}&outcome=rejected`);
    expect(log.json[0]).toMatchObject({ outcome: 'rejected', items: 0, events: [] });
    expect(log.json[0].reason).toMatch(/digest/);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(
      /switchboard_inbound_deliveries_total\{connector="oneflow",outcome="rejected"\} [1-9]/,
    );
  });

  it("refuses unknown tokens (404), other connectors' paths (404) and oversized bodies (413)", async () => {
    const token = inbound.url.split('/').pop()!;
    const wrong = await fetch(`${server.url}/events/inbound/oneflow/${'x'.repeat(43)}`, {
      method: 'POST',
      body: '{}',
    });
    expect(wrong.status).toBe(404);
    const other = await fetch(`${server.url}/events/inbound/salesforce/${token}`, {
      method: 'POST',
      body: '{}',
    });
    expect(other.status).toBe(404);
    const big = await fetch(inbound.url, { method: 'POST', body: 'x'.repeat(1024 * 1024 + 10) });
    expect(big.status).toBe(413);
  });

  it('an event turned off on the profile is stored but not emitted', async () => {
    const off = await api(server)('PATCH', `/connector_profiles/${oneflowProfile}`, { enabled_events: [] });
    expect(off.status, off.text).toBe(200);
    expect(off.json.enabled_events).toEqual([]);
    const sent = await notify(1002, ['contract:publish']);
    expect(sent.status).toBe(200);
    await settledAll();
    expect(receivedFor(`${sent.callbackId}:9000`)).toHaveLength(0);
    const log = await api(server)('GET', `/inbound_deliveries?account_id=${accountId}`);
    expect(log.json[0].events[0]).toMatchObject({ status: 'ignored' });
    const bad = await api(server)('PATCH', `/connector_profiles/${oneflowProfile}`, {
      enabled_events: ['oneflow.nope.x'],
    });
    expect(bad.status).toBe(400);
    expect(bad.json.message).toMatch(/oneflow\.contract\.published/);
    await api(server)('PATCH', `/connector_profiles/${oneflowProfile}`, { enabled_events: null });
  });

  it('webhook endpoints take connector event names and patterns, and refuse unknown names', async () => {
    const bad = await api(server)('POST', '/webhooks', {
      url: receiver.url,
      events: ['oneflow.contract.sined'],
    });
    expect(bad.status).toBe(400);
    expect(bad.json.message).toMatch(/oneflow\.contract\.published/);
    const exact = await api(server)('POST', '/webhooks', {
      url: receiver.url,
      events: ['oneflow.contract.published'],
    });
    expect(exact.status).toBe(201);
    await api(server)('DELETE', `/webhooks/${exact.json.id}`);
  });
});

/** Links an account through the OAuth popup at the provider's real hosts; returns its id. */
async function linkOAuth(profile: string, owner: string, fields: Record<string, string>): Promise<string> {
  const s = await createSession(server, { origin_owner_id: owner });
  const attempt = await hub(server, s.token)('POST', '/hub/connection_attempts', { token: s.token });
  const q = new URLSearchParams({
    redirect_uri: 'https://app.example.com/embedded/accounts/callback',
    token: s.token,
    connection_attempt_id: attempt.json.id,
    ...fields,
  });
  let current = `${server.url}/connect/oauth2/${profile}?${q}`;
  for (let i = 0; i < 8; i++) {
    const res = await world.browserFetch(current, { redirect: 'manual' });
    const next = new URL(res.headers.get('location') ?? '', current);
    if (next.pathname.endsWith('/embedded/accounts/callback')) {
      expect(next.searchParams.get('status'), next.toString()).toBe('success');
      return next.searchParams.get('account_id')!;
    }
    current = next.toString();
  }
  throw new Error('the popup did not end');
}

const linkKustomer = (owner: string, scopes: string) => {
  // The scopes the end user enters: the fake's Kustomer requires the authorize request to ask for them.
  world.fakes.kustomer.fixture.config.scopes = scopes;
  return linkOAuth(kustomerProfile, owner, {
    client_id: KUSTOMER_CLIENT.clientId,
    client_secret: KUSTOMER_CLIENT.clientSecret,
    org_name: ORG,
    scopes,
  });
};

describe('Kustomer (programmatic: a subscription per account)', () => {
  it('subscribes a linked account at its org host, emits its events, and unsubscribes when it is deleted', async () => {
    const accountId = await linkKustomer(
      'kus-events',
      'org.permission.customer org.permission.conversation org.outbound_webhooks',
    );
    await settledAll();
    const events = await api(server)('GET', `/accounts/${accountId}/events`);
    expect(events.json).toMatchObject({
      mode: 'programmatic',
      secret: null,
      subscription: { status: 'active' },
    });
    expect(events.json.events).toContain('kustomer.conversation.updated');
    const hook = world.fakes.kustomer.subscriptions.get(events.json.subscription.provider_id)!;
    expect(hook.url).toBe(events.json.inbound_url);
    expect(hook.events).toEqual(
      expect.arrayContaining(['kustomer.conversation.update', 'kustomer.customer.create']),
    );
    const create = world.fakes.kustomer.requests.findLast((r) => r.path === '/v1/outbound-webhooks');
    expect(create?.host).toBe(`${ORG}.api.kustomerapp.com`);

    const conversation = world.fakes.kustomer.fixture.actions.kustomer_list_conversations!.records[0] as {
      id: string;
    };
    const fired = await fireKustomerEvent(world.fakes.kustomer, 'kustomer.conversation.update', conversation);
    expect(fired.deliveries).toEqual([{ hook: hook.id, status: 200 }]);
    await settledAll();
    await waitFor(() => receivedFor(fired.id).length === 1);
    expect(receivedFor(fired.id)[0]!.json).toMatchObject({
      event: 'kustomer.conversation.updated',
      account_id: accountId,
      data: { id: conversation.id, type: 'conversation' },
    });

    // A delivery without the secret the subscription was made with is refused.
    const forged = await fetch(hook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-switchboard-secret': 'guess' },
      body: JSON.stringify({ id: 'evt_forged', name: 'kustomer.conversation.update', data: conversation }),
    });
    expect(forged.status).toBe(401);

    const deleted = await api(server)('DELETE', `/accounts/${accountId}`);
    expect(deleted.status).toBe(200);
    await waitFor(() => !world.fakes.kustomer.subscriptions.has(hook.id));
    expect(world.fakes.kustomer.deletedSubscriptions).toContain(hook.id);
  });

  it('makes no subscription when the grant has no outbound-webhook role, and says so', async () => {
    const accountId = await linkKustomer('kus-no-role', 'org.permission.customer');
    await settledAll();
    const events = await api(server)('GET', `/accounts/${accountId}/events`);
    expect(events.json.subscription).toMatchObject({ status: 'off', provider_id: null });
    expect(events.json.subscription.last_error).toMatch(/org\.outbound_webhooks/);
  });
});

describe('Salesforce (manual: outbound messages to a URL per account)', () => {
  it('acknowledges a SOAP outbound message with the Ack, checks the org, and emits each notification once', async () => {
    const accountId = await linkOAuth(salesforceProfile, 'sf-events', {});
    const events = await api(server)('GET', `/accounts/${accountId}/events`);
    expect(events.json).toMatchObject({ mode: 'manual', secret: null, subscription: null });
    expect(events.json.events).toEqual([
      'salesforce.account.changed',
      'salesforce.contact.changed',
      'salesforce.opportunity.changed',
      'salesforce.lead.changed',
    ]);
    const url = events.json.inbound_url as string;
    // The admin's outbound message, with the account's URL as its endpoint.
    const message = world.fakes.salesforce.subscribe(url, null);
    const sent = await sendOutboundMessage(world.fakes.salesforce, message, [
      {
        id: '04l5w00005286hAAAQ',
        type: 'Opportunity',
        fields: { Id: '0065w000023STAmAAO', Name: 'Big & bold', StageName: 'Closed Won' },
      },
      { id: '04l5w00005286hBAAQ', type: 'Account', fields: { Id: '0015w000023STAmAAO', Name: 'Acme' } },
    ]);
    expect(sent.status).toBe(200);
    expect(sent.contentType).toMatch(/^text\/xml/);
    expect(sent.body).toContain(
      '<notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound"><Ack>true</Ack></notificationsResponse>',
    );
    await settledAll();
    await waitFor(
      () => receivedFor('04l5w00005286hAAAQ').length === 1 && receivedFor('04l5w00005286hBAAQ').length === 1,
    );
    expect(receivedFor('04l5w00005286hAAAQ')[0]!.json).toMatchObject({
      event: 'salesforce.opportunity.changed',
      account_id: accountId,
      data: { Id: '0065w000023STAmAAO', Name: 'Big & bold', StageName: 'Closed Won' },
    });
    expect(receivedFor('04l5w00005286hBAAQ')[0]!.json.event).toBe('salesforce.account.changed');

    // Salesforce resends the first notification: acknowledged, not emitted again.
    const again = await sendOutboundMessage(world.fakes.salesforce, message, [
      {
        id: '04l5w00005286hAAAQ',
        type: 'Opportunity',
        fields: { Id: '0065w000023STAmAAO', Name: 'Big & bold' },
      },
    ]);
    expect(again.status).toBe(200);
    await settledAll();
    expect(receivedFor('04l5w00005286hAAAQ')).toHaveLength(1);

    // Another org's message on this account's URL is refused and never emitted.
    const other = await sendOutboundMessage(
      world.fakes.salesforce,
      message,
      [{ id: '04l5w00005286hCAAQ', type: 'Lead', fields: { Id: '00Q5w000023STAmAAO' } }],
      { orgId: '00D5w000004qGTOEA2' },
    );
    expect(other.status).toBe(401);
    await settledAll();
    expect(receivedFor('04l5w00005286hCAAQ')).toHaveLength(0);

    // A document type declaration (entity expansion) is refused before anything is read.
    const dtd = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>',
    });
    expect(dtd.status).toBe(401);
  });
});

describe('durability', () => {
  it('a SIGKILL right after the acknowledgement loses nothing: the stored event is emitted once by another process', async () => {
    const accountId = await linkOAuth(salesforceProfile, 'sf-crash', {});
    const inbound = (await api(server)('GET', `/accounts/${accountId}/events`)).json.inbound_url as string;
    // An API-only process (no workers) receives the delivery, so nothing but the stored row can emit it.
    const port = await freePort();
    const child = runSwitchboard(['start', '--port', String(port)], {
      DATABASE_URL: server.databaseUrl,
      SWITCHBOARD_ENCRYPTION_KEYS: keys,
      SWITCHBOARD_API_KEY: server.apiKey,
      SWITCHBOARD_ALLOW_PRIVATE_NETWORK: '1',
      SWITCHBOARD_ROLE: 'api',
    });
    const childUrl = await child.ready;
    const url = childUrl + new URL(inbound).pathname;
    const sent = await sendOutboundMessage(
      world.fakes.salesforce,
      world.fakes.salesforce.subscribe(url, null),
      [{ id: '04l5w0000528CRASH', type: 'Contact', fields: { Id: '0035w000023STAmAAO', LastName: 'Kill' } }],
    );
    child.child.kill('SIGKILL');
    await child.exited;
    expect(sent.status).toBe(200);
    expect(sent.body).toContain('<Ack>true</Ack>');
    await waitFor(() => receivedFor('04l5w0000528CRASH').length === 1, 15_000);
    await settledAll();
    expect(receivedFor('04l5w0000528CRASH')).toHaveLength(1);
    expect(receivedFor('04l5w0000528CRASH')[0]!.json).toMatchObject({
      event: 'salesforce.contact.changed',
      data: { LastName: 'Kill' },
    });
  }, 60_000);
});

describe('the fake providers', () => {
  it('saw no request that broke a rule of the connector files, and none for something they do not serve', () => {
    for (const fake of [world.fakes.kustomer, world.fakes.salesforce, world.fakes.oneflow]) {
      expect(fake.problems).toEqual([]);
      expect(fake.unexpected).toEqual([]);
    }
    expect(world.internet.refused).toEqual([]);
  });
});
