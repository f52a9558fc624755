// The fake's events side against the shipped Zendesk and GitHub files: the subscription requests
// it serves, and deliveries it signs that Switchboard's own checks accept (and, forged, refuse).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConnectors } from '../connectors/loader.js';
import { failedCheck } from '../core/events/verify.js';
import { BUILTIN_CONNECTORS_DIR } from '../connectors/loader.js';
import { type FakeEvents, fakeEvents } from './fake-events.js';
import { fixturePath, loadFixture } from './fixture.js';

const registry = await loadConnectors();

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => resolve(body));
  });
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

let provider: Server;
let receiver: Server;
let providerUrl = '';
let receiverUrl = '';
let current: FakeEvents | null = null;
const got: Array<{ headers: Record<string, string>; body: string }> = [];

beforeAll(async () => {
  provider = createServer(async (req, res) => {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'https://provider.test');
    if (!current?.handle(req, url, body, res)) res.writeHead(404).end();
  });
  receiver = createServer(async (req, res) => {
    got.push({ headers: req.headers as Record<string, string>, body: await readBody(req) });
    res.writeHead(200).end('{}');
  });
  providerUrl = await listen(provider);
  receiverUrl = `${await listen(receiver)}/events/inbound/x/token`;
});
afterAll(() => {
  provider.close();
  receiver.close();
});

const scopeOf = (d: { headers: Record<string, string>; body: string }, secret: string) => ({
  raw: d.body,
  secret,
  headers: d.headers,
  body: JSON.parse(d.body),
  credentials: {},
  accountId: 'acc_1',
});

describe('Zendesk', () => {
  const connector = registry.get('zendesk')!;

  it('creates, hands out the secret separately, signs deliveries its checks accept, and deletes', async () => {
    current = fakeEvents(
      connector,
      { config: { subdomain: 'acme' } },
      new URL('https://acme.zendesk.com'),
      () => true,
    );
    const create = await fetch(`${providerUrl}/api/v2/webhooks`, {
      method: 'POST',
      body: JSON.stringify({ webhook: { name: 'Switchboard', endpoint: receiverUrl, subscriptions: ['x'] } }),
    });
    expect(create.status).toBe(201);
    const answer = (await create.json()) as { webhook: { id: number; endpoint: string } };
    expect(answer.webhook).toMatchObject({ endpoint: receiverUrl });
    const id = String(answer.webhook.id);
    const read = await fetch(`${providerUrl}/api/v2/webhooks/${id}/signing_secret`);
    const secret = ((await read.json()) as { signing_secret: { secret: string } }).signing_secret.secret;
    expect(secret).toBe(current!.subscriptions.get(id)!.secret);

    const body = { type: 'zen:event-type:user.created', id: 'e-1', detail: { id: '1' } };
    await current!.deliver(id, { body });
    const signed = got.at(-1)!;
    expect(signed.headers['x-zendesk-webhook-signature-timestamp']).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
    );
    expect(failedCheck(connector.events!.verify, scopeOf(signed, secret), new Date())).toBeNull();
    await current!.deliver(id, { body, forge: true });
    expect(failedCheck(connector.events!.verify, scopeOf(got.at(-1)!, secret), new Date())).toMatch(/hmac/);

    expect((await fetch(`${providerUrl}/api/v2/webhooks/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(`${providerUrl}/api/v2/webhooks/${id}`, { method: 'DELETE' })).status).toBe(404);
    expect(current!.deleted).toEqual([id]);
  });
});

describe('GitHub', () => {
  const connector = registry.get('github')!;
  const ctx = { config: { repository_owner: 'octocat', repository_name: 'Hello-World' } };

  it('serves the hook at the repository the config names and signs with the secret the create carried', async () => {
    current = fakeEvents(connector, ctx, new URL('https://api.github.com'), () => true);
    const secret = 's'.repeat(43);
    const create = await fetch(`${providerUrl}/repos/octocat/Hello-World/hooks`, {
      method: 'POST',
      body: JSON.stringify({ name: 'web', events: ['issues'], config: { url: receiverUrl, secret } }),
    });
    expect(create.status).toBe(201);
    const id = String(((await create.json()) as { id: number }).id);
    await current!.deliver(id, { headers: { 'X-GitHub-Event': 'issues' }, body: { action: 'opened' } });
    const signed = got.at(-1)!;
    expect(signed.headers['x-hub-signature-256']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(signed.headers['x-github-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    expect(failedCheck(connector.events!.verify, scopeOf(signed, secret), new Date())).toBeNull();
    // Another repository's path is not this hook's.
    expect((await fetch(`${providerUrl}/repos/octocat/Other/hooks/${id}`, { method: 'DELETE' })).status).toBe(
      404,
    );
    expect(current!.subscriptions.has(id)).toBe(true);
  });

  it('without the repository in the fixture, the hook requests are not served at all', async () => {
    current = fakeEvents(connector, { config: {} }, new URL('https://api.github.com'), () => true);
    const create = await fetch(`${providerUrl}/repos/octocat/Hello-World/hooks`, {
      method: 'POST',
      body: '{}',
    });
    expect(create.status).toBe(404);
  });

  it('a create without a delivery URL or secret is refused (422)', async () => {
    current = fakeEvents(connector, ctx, new URL('https://api.github.com'), () => true);
    const noSecret = await fetch(`${providerUrl}/repos/octocat/Hello-World/hooks`, {
      method: 'POST',
      body: JSON.stringify({ config: { url: receiverUrl } }),
    });
    expect(noSecret.status).toBe(422);
    const noUrl = await fetch(`${providerUrl}/repos/octocat/Hello-World/hooks`, {
      method: 'POST',
      body: JSON.stringify({ config: { secret: 'x' } }),
    });
    expect(noUrl.status).toBe(422);
  });
});

describe('Kustomer', () => {
  const connector = registry.get('kustomer')!;

  it("refuses outbound webhooks its seed fixture's rules refuse: name, url and events, 12 events, https", async () => {
    const rules = (await loadFixture(fixturePath(BUILTIN_CONNECTORS_DIR, 'kustomer'))).subscription!;
    const problems: string[] = [];
    current = fakeEvents(
      connector,
      { config: { org_name: 'acme' } },
      new URL('https://acme.api.kustomerapp.com'),
      () => true,
      {
        ...rules,
        problem: (why) => problems.push(why),
      },
    );
    const create = (body: unknown) =>
      fetch(`${providerUrl}/v1/outbound-webhooks`, { method: 'POST', body: JSON.stringify(body) });
    const events = connector.events!.types.map((t) => t.provider_event);
    const good = {
      name: 'Switchboard',
      url: receiverUrl,
      events,
      headers: [{ name: 'X-Switchboard-Secret', value: 's'.repeat(32) }],
    };
    const cases: Array<[unknown, string]> = [
      [{ ...good, name: undefined }, 'name is required'],
      [{ ...good, url: undefined }, 'url is required'],
      [{ ...good, events: undefined }, 'events is required'],
      [{ ...good, events: [...events, ...events, 'kustomer.customer.create'] }, '13 events: at most 12'],
      [{ ...good, events: ['kustomer.customer.delete'] }, 'is not one kustomer declares'],
      [{ ...good, url: 'http://hooks.example.test/in' }, 'is not https://'],
    ];
    for (const [body, why] of cases) {
      const res = await create(body);
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        errors: [{ status: 400, title: 'Bad Request', detail: 'name, url and events are required' }],
      });
      expect(problems.at(-1)).toContain(why);
    }
    const made = await create(good);
    expect(made.status).toBe(201);
    const id = String(((await made.json()) as { data: { id: number } }).data.id);
    expect(current!.subscriptions.get(id)).toMatchObject({
      url: receiverUrl,
      secret: 's'.repeat(32),
      events,
    });
  });
});

describe('Salesforce (manual, XML)', () => {
  const connector = registry.get('salesforce')!;

  it("sends a text body as it is to a subscription an admin made, and reports the answer's content type", async () => {
    current = fakeEvents(connector, { config: {} }, new URL('https://acme.my.salesforce.com'), () => true);
    const soap = createServer(async (req, res) => {
      got.push({ headers: req.headers as Record<string, string>, body: await readBody(req) });
      res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' }).end('<Ack>true</Ack>');
    });
    const url = await listen(soap);
    try {
      const id = current!.subscribe(`${url}/events/inbound/salesforce/token`, null);
      const answer = await current!.deliver(id, { body: '<notifications/>', headers: { SOAPAction: '""' } });
      expect(answer).toMatchObject({
        status: 200,
        body: '<Ack>true</Ack>',
        contentType: 'text/xml; charset=utf-8',
      });
      expect(got.at(-1)).toMatchObject({
        body: '<notifications/>',
        headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' },
      });
    } finally {
      soap.close();
    }
  });
});
