// Connector events of catalogue connectors, end to end and as shipped: the generic fake provider
// plays Zendesk and GitHub at their real host names (driven by their connector files and
// fixtures). Linking an account creates the subscription through the provider's API; the fake
// then delivers signed webhooks to the account's inbound URL; Switchboard verifies, stores,
// acknowledges and sends them on to the company's endpoint; deleting the account deletes the
// subscription.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_CONNECTORS_DIR, loadConnectors } from '../src/connectors/loader.js';
import type { Connector } from '../src/connectors/schema.js';
import { contractChecks, type ContractWorld, startContractWorld } from '../src/kit/contract.js';
import type { FakeDelivery } from '../src/kit/fake-events.js';
import { type Fixture, fixturePath, loadFixture } from '../src/kit/fixture.js';
import { launchBrowser, screenshot, watchErrors } from './helpers/browser.js';
import { createSession } from './helpers/linking.js';
import { startReceiver } from './helpers/receiver.js';
import { api, startTestServer, type TestServer } from './helpers/server.js';
import { waitFor } from './helpers/wait.js';
import { settled } from './helpers/events.js';

const registry = await loadConnectors();

type World = ContractWorld & { close(): Promise<void> };

/** Starts the fake, the internet stand-in and a server with its workers; the company's receiver on loopback. */
async function startWorld(key: string) {
  const connector: Connector = registry.get(key)!;
  const fixture: Fixture = await loadFixture(fixturePath(BUILTIN_CONNECTORS_DIR, key));
  let server: TestServer | undefined;
  const world: World = await startContractWorld(connector, fixture, async (http) => {
    // The private-network switch is on for the company's receiver on loopback; the provider is
    // reached only at its real host names, through the internet stand-in (no profile overrides).
    server = await startTestServer({ SWITCHBOARD_ALLOW_PRIVATE_NETWORK: '1' }, { http });
    return server;
  });
  const receiver = await startReceiver();
  const hook = await api(server!)('POST', '/webhooks', { url: receiver.url, events: [`${key}.*`] });
  expect(hook.status, hook.text).toBe(201);
  return { world, server: server!, receiver, connector, fixture };
}

/** Creates the profile and links an account through the OAuth popup, with the fixture's config (or other values). */
async function link(world: World, config?: Record<string, string>): Promise<string> {
  const steps = contractChecks(world.connector, world.fixture).filter((c) => /^(profile|link):/.test(c.name));
  const target = config ? { ...world, fixture: { ...world.fixture, config } } : world;
  for (const step of steps) {
    if (step.name.startsWith('profile:') && world.state.profileId) continue;
    await step.run(target);
  }
  return world.state.accountId!;
}

interface Case {
  key: string;
  /** What the create request must carry for an account whose inbound URL and secret are given. */
  createBody(inboundUrl: string, secret: string | null): unknown;
  /** A delivery of one event, the Switchboard event it becomes, and its `data`. */
  sample(): { delivery: FakeDelivery; providerEventId: string; event: string; data: unknown };
}

const zendesk: Case = {
  key: 'zendesk',
  createBody: (url) => ({
    webhook: {
      name: 'Switchboard',
      endpoint: url,
      http_method: 'POST',
      request_format: 'json',
      status: 'active',
      subscriptions: [
        'zen:event-type:user.created',
        'zen:event-type:user.name_changed',
        'zen:event-type:user.active_changed',
        'zen:event-type:user.merged',
        'zen:event-type:organization.created',
        'zen:event-type:organization.name_changed',
        'zen:event-type:organization.deleted',
      ],
    },
  }),
  sample: () => {
    const id = randomUUID();
    const detail = { id: '6596848315901', email: 'ada@example.com', role: 'end-user', organization_id: '0' };
    return {
      delivery: {
        body: {
          type: 'zen:event-type:user.created',
          account_id: 12514403,
          id,
          time: '2026-12-02T12:00:00Z',
          zendesk_event_version: '2022-06-20',
          subject: 'zen:user:6596848315901',
          detail,
          event: {},
        },
      },
      providerEventId: id,
      event: 'zendesk.user.created',
      data: detail,
    };
  },
};

const github: Case = {
  key: 'github',
  createBody: (url, secret) => ({
    name: 'web',
    active: true,
    events: ['issues', 'pull_request', 'push'],
    config: { url, content_type: 'json', secret, insecure_ssl: '0' },
  }),
  sample: () => {
    const id = randomUUID();
    const issue = { id: 1, number: 1347, title: 'Found a bug', state: 'open', user: { login: 'octocat' } };
    return {
      delivery: {
        headers: { 'x-github-event': 'issues', 'x-github-delivery': id },
        body: {
          action: 'opened',
          issue,
          repository: { id: 1296269, full_name: 'octocat/Hello-World' },
          sender: { login: 'octocat' },
        },
      },
      providerEventId: id,
      event: 'github.issue.opened',
      data: issue,
    };
  },
};

describe.each([zendesk, github])('$key events (programmatic, as shipped)', (c) => {
  let ctx: Awaited<ReturnType<typeof startWorld>>;
  let accountId = '';
  let subscriptionId = '';
  const received = (providerEventId: string) =>
    ctx.receiver.received.filter((r) => r.json.provider_event_id === providerEventId);

  beforeAll(async () => {
    ctx = await startWorld(c.key);
    accountId = await link(ctx.world);
    await settled(ctx.server);
  }, 60_000);
  afterAll(async () => {
    await ctx?.world.close();
    await ctx?.receiver.close();
  });

  it('linking creates the subscription at the API host with the documented body', async () => {
    const res = await api(ctx.server)('GET', `/accounts/${accountId}/events`);
    expect(res.status, res.text).toBe(200);
    expect(res.json.subscription, JSON.stringify(res.json)).toMatchObject({ status: 'active' });
    subscriptionId = res.json.subscription.provider_id;
    const sub = ctx.world.fake.subscriptions.get(subscriptionId)!;
    expect(sub.url).toBe(res.json.inbound_url);
    expect(sub.body).toEqual(c.createBody(res.json.inbound_url, c.key === 'github' ? sub.secret : null));
    const api_ = ctx.world.fake.urls.api.hostname;
    const create = ctx.world.fake.requests.find((r) => r.method === 'POST' && r.status === 201);
    expect(create?.host).toBe(api_);
    if (c.key === 'zendesk') {
      // The signing secret is read right after the create, and it is the one deliveries are signed with.
      expect(
        ctx.world.fake.requests.some(
          (r) => r.method === 'GET' && r.path === `/api/v2/webhooks/${subscriptionId}/signing_secret`,
        ),
      ).toBe(true);
    } else {
      expect(sub.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    }
  });

  it('a signed delivery is acknowledged, emitted with the documented payload, and a redelivery only once', async () => {
    const s = c.sample();
    const sent = await ctx.world.fake.deliver(subscriptionId, s.delivery);
    expect(sent.status, sent.body).toBe(200);
    expect(JSON.parse(sent.body)).toEqual({ received: true });
    await settled(ctx.server);
    await waitFor(() => received(s.providerEventId).length === 1);
    const got = received(s.providerEventId)[0]!;
    expect(got.json).toMatchObject({
      event: s.event,
      account_id: accountId,
      provider: c.key,
      provider_event_id: s.providerEventId,
      data: s.data,
      raw: s.delivery.body as Record<string, unknown>,
    });
    expect(got.headers['webhook-signature']).toMatch(/^v1,/);

    const again = await ctx.world.fake.deliver(subscriptionId, s.delivery);
    expect(again.status).toBe(200);
    await settled(ctx.server);
    expect(received(s.providerEventId)).toHaveLength(1);
    const log = await api(ctx.server)('GET', `/inbound_deliveries?account_id=${accountId}`);
    expect(log.json.map((d: { outcome: string }) => d.outcome).slice(0, 2)).toEqual([
      'duplicate',
      'accepted',
    ]);
  });

  it('a delivery signed with another secret gets 401 and is never emitted', async () => {
    const s = c.sample();
    const forged = await ctx.world.fake.deliver(subscriptionId, { ...s.delivery, forge: true });
    expect(forged.status).toBe(401);
    await settled(ctx.server);
    expect(received(s.providerEventId)).toHaveLength(0);
    const log = await api(ctx.server)('GET', `/inbound_deliveries?account_id=${accountId}&outcome=rejected`);
    expect(log.json[0]).toMatchObject({ outcome: 'rejected', items: 0 });
    expect(log.json[0].reason).toMatch(/hmac/);
  });

  if (c.key === 'zendesk') {
    it('a timestamp outside the window is refused even when signed', async () => {
      const s = c.sample();
      const old = await ctx.world.fake.deliver(subscriptionId, {
        ...s.delivery,
        headers: { 'x-zendesk-webhook-signature-timestamp': '2021-07-25T10:00:00Z' },
      });
      expect(old.status).toBe(401);
      await settled(ctx.server);
      expect(received(s.providerEventId)).toHaveLength(0);
    });
  }

  if (c.key === 'github') {
    it('the ping GitHub sends for a new hook is acknowledged and not emitted; a push (no action) is', async () => {
      const ping = await ctx.world.fake.deliver(subscriptionId, {
        headers: { 'x-github-event': 'ping' },
        body: { zen: 'Keep it logically awesome.', hook_id: Number(subscriptionId), hook: { id: 1 } },
      });
      expect(ping.status).toBe(200);
      const pingId = ping.sent['x-github-delivery']!;
      const log = await api(ctx.server)('GET', `/inbound_deliveries?account_id=${accountId}`);
      expect(log.json[0]).toMatchObject({ outcome: 'handshake', items: 0 });

      const pushId = randomUUID();
      const push = { ref: 'refs/heads/main', before: 'a'.repeat(40), after: 'b'.repeat(40), commits: [] };
      const pushed = await ctx.world.fake.deliver(subscriptionId, {
        headers: { 'x-github-event': 'push', 'x-github-delivery': pushId },
        body: push,
      });
      expect(pushed.status).toBe(200);
      await settled(ctx.server);
      await waitFor(() => received(pushId).length === 1);
      expect(received(pushId)[0]!.json).toMatchObject({ event: 'github.repository.pushed', data: push });
      expect(received(pingId)).toHaveLength(0);
    });
  }

  it('deleting the account deletes its subscription at the provider', async () => {
    const res = await api(ctx.server)('DELETE', `/accounts/${accountId}`);
    expect(res.status).toBe(200);
    await waitFor(() => !ctx.world.fake.subscriptions.has(subscriptionId));
    expect(ctx.world.fake.deletedSubscriptions).toContain(subscriptionId);
    expect(ctx.world.fake.unexpected).toEqual([]);
    expect(ctx.world.fake.problems).toEqual([]);
    expect(ctx.world.internet.refused).toEqual([]);
  });

  if (c.key === 'github') {
    it('the Hub form shows the repository fields as optional, each with its help line', async () => {
      const browser = await launchBrowser();
      try {
        const s = await createSession(ctx.server, { origin_owner_id: 'hub-look' });
        const page = await browser.newPage();
        const errors = watchErrors(page);
        await page.goto(s.auth_link_url);
        // With one integration the Hub may open its form at once; otherwise pick GitHub.
        const owner = page.locator('input[name="repository_owner"]');
        const tile = page.getByTestId('integration-github');
        await owner.or(tile).first().waitFor({ timeout: 10_000 });
        if (await tile.isVisible()) await tile.click();
        await owner.waitFor({ timeout: 10_000 });
        expect(await owner.getAttribute('required')).toBeNull();
        expect(await page.locator('input[name="repository_name"]').getAttribute('required')).toBeNull();
        const text = await page.locator('body').innerText();
        expect(text).toContain('Repository owner (for events)');
        expect(text).toContain('Leave it empty if you do not need events.');
        await screenshot(page, 'catalogue-events-github-form');
        expect(errors).toEqual([]);
      } finally {
        await browser.close();
      }
    });

    it('an account linked without a repository is linked, gets no subscription, and says why', async () => {
      const before = ctx.world.fake.subscriptions.size;
      const other = await link(ctx.world, {});
      expect(other).not.toBe(accountId); // the first account was deleted above
      await settled(ctx.server);
      const res = await api(ctx.server)('GET', `/accounts/${other}/events`);
      expect(res.json.subscription).toMatchObject({ status: 'off', provider_id: null });
      expect(res.json.subscription.last_error).toMatch(/Repository owner \(for events\)/);
      expect(ctx.world.fake.subscriptions.size).toBe(before);
      const account = await api(ctx.server)('GET', `/accounts/${other}`);
      expect(account.json.status).toBe('active');
    });

    it('linking again remakes the subscription: with a repository it is created, without one the hook is deleted where it was made', async () => {
      const first = await link(ctx.world, { repository_owner: 'octocat', repository_name: 'Hello-World' });
      await settled(ctx.server);
      const made = (await api(ctx.server)('GET', `/accounts/${first}/events`)).json.subscription;
      expect(made, JSON.stringify(made)).toMatchObject({ status: 'active' });
      expect(ctx.world.fake.subscriptions.has(made.provider_id)).toBe(true);
      // Linked again without the repository: the delete still goes to the repository the hook is in.
      const again = await link(ctx.world, {});
      expect(again).toBe(first);
      await settled(ctx.server);
      const now = (await api(ctx.server)('GET', `/accounts/${first}/events`)).json.subscription;
      expect(now, JSON.stringify(now)).toMatchObject({ status: 'off', provider_id: null });
      expect(now.last_error).toMatch(/Repository owner \(for events\)/);
      const deletes = ctx.world.fake.requests.filter((r) => r.method === 'DELETE').map((r) => r.path);
      expect(deletes).toContain(`/repos/octocat/Hello-World/hooks/${made.provider_id}`);
      expect(ctx.world.fake.subscriptions.has(made.provider_id)).toBe(false);
      expect(ctx.world.fake.problems).toEqual([]);
    });
  }
});
