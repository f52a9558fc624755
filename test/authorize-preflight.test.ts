import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Profiles } from './helpers/link-accounts.js';
import { api, type TestServer } from './helpers/server.js';
import { createProfiles, createSession, hub } from './helpers/linking.js';
import { KUSTOMER_AUTHORIZE, startShippedServer } from './helpers/shipped.js';
import { json, startUpstream, type ScriptedUpstream } from './helpers/upstream.js';
import { type SeedFakes, startSeedFakes } from './helpers/seed-fakes.js';
import { type Internet, setCurrentInternet, startInternet } from './helpers/internet.js';
import {
  BUILTIN_CONNECTORS_DIR,
  ConnectorDefinitionError,
  loadConnectorFile,
} from '../src/connectors/loader.js';

let server: TestServer;
let fakes: SeedFakes;
let internet: Internet;
let upstream: ScriptedUpstream;
let profiles: Profiles;

const RETURN_TO = 'https://app.example.com/embedded/accounts/callback';
// A client the fake's Kustomer org has not installed: it answers the fixture's
// `authorize.unknown_client` (400 "Invalid Client").
const NOT_INSTALLED = { clientId: 'kus-not-installed', clientSecret: 'kus-secret-not-installed-1' };
/** Kustomer authorize pages that answer the preflight otherwise: a scripted one, and one that is down. */
const SCRIPTED = 'https://kustomer-scripted.test/oauth/authorize';
const UNREACHABLE = 'https://kustomer-down.test/oauth/authorize';
const INSTALL_MESSAGE =
  'Kustomer rejected the client: install the OAuth app in your Kustomer organization (App Directory) before connecting.';

// The seed profiles run as shipped (Kustomer's authorize page at api.apps.kustomerapp.com). A few
// tests here override one profile's authorization URL on purpose: a scripted upstream, or a port
// nothing listens on, plays a Kustomer that answers the preflight otherwise (another 400, a 500, a
// redirect, no answer), which one shared fake cannot. The internet stand-in answers their host
// names, so the private-network switch stays off.
beforeAll(async () => {
  fakes = await startSeedFakes();
  upstream = await startUpstream();
  const down = await startUpstream();
  const downPort = Number(new URL(down.url).port);
  await down.close();
  internet = await startInternet([
    ...fakes.routes,
    { hosts: [new URL(SCRIPTED).hostname], port: Number(new URL(upstream.url).port) },
    { hosts: [new URL(UNREACHABLE).hostname], port: downPort },
  ]);
  setCurrentInternet(internet);
  server = await startShippedServer({ fakes, internet });
  profiles = await createProfiles(server, fakes);
});
afterAll(async () => {
  await server?.close();
  setCurrentInternet(undefined);
  await internet?.close();
  await fakes?.close();
  await upstream?.close();
});

async function kustomerProfile(authorizationUrl: string): Promise<string> {
  const res = await api(server)('POST', '/connector_profiles', {
    provider: 'kustomer',
    label: `Kustomer ${Math.random().toString(36).slice(2, 8)}`,
    overrides: { authorization_url: authorizationUrl },
  });
  expect(res.status).toBe(201);
  return res.json.id as string;
}

/** Opens the popup URL once, as the browser does, and reads where it is sent. */
async function openPopup(integrationId: string, client: { clientId: string; clientSecret: string }) {
  const s = await createSession(server, { origin_owner_id: `pre-${Math.random().toString(36).slice(2, 8)}` });
  const attempt = await hub(server, s.token)('POST', '/hub/connection_attempts', { token: s.token });
  const q = new URLSearchParams({
    redirect_uri: RETURN_TO,
    token: s.token,
    connection_attempt_id: attempt.json.id,
    client_id: client.clientId,
    client_secret: client.clientSecret,
    org_name: 'acme',
  });
  const res = await fetch(`${server.url}/connect/oauth2/${integrationId}?${q}`, { redirect: 'manual' });
  const poll = async () =>
    (await hub(server, s.token)('GET', `/hub/connection_attempts/${attempt.json.id}`)).json;
  return {
    res,
    location: new URL(res.headers.get('location') ?? 'about:blank'),
    poll,
    attemptId: attempt.json.id as string,
  };
}

describe('authorize preflight (seed 001: an app that is not installed answers 400 "Invalid Client")', () => {
  it('ends the attempt with the translated message and sends the popup to our callback page, not Kustomer’s', async () => {
    const before = fakes.kustomer.counts.authorize;
    const { res, location, poll, attemptId } = await openPopup(profiles.kustomer, NOT_INSTALLED);
    expect(res.status).toBe(302);
    expect(location.origin + location.pathname).toBe(RETURN_TO);
    expect(Object.fromEntries(location.searchParams)).toEqual({
      status: 'error',
      provider: 'kustomer',
      error: 'invalid_client',
      error_description: INSTALL_MESSAGE,
    });
    expect(fakes.kustomer.counts.authorize).toBe(before + 1); // our server's GET, not the popup
    expect(await poll()).toEqual({
      id: attemptId,
      status: 'error',
      account: null,
      error: { code: 'invalid_client', description: INSTALL_MESSAGE },
    });
    const states = await server.app.deps.db.query('SELECT 1 FROM oauth_states WHERE attempt_id = $1', [
      attemptId,
    ]);
    expect(states.rowCount).toBe(0);
  });

  it('lets the popup go on to Kustomer when the app is installed', async () => {
    const { res, location, poll } = await openPopup(profiles.kustomer, {
      clientId: 'kus-client-1',
      clientSecret: 'kus-secret-abcdef123456',
    });
    expect(res.status).toBe(302);
    expect(location.origin + location.pathname).toBe(KUSTOMER_AUTHORIZE);
    expect((await poll()).status).toBe('pending');
  });

  it('lets the popup go on when the provider cannot be reached', async () => {
    const id = await kustomerProfile(UNREACHABLE);
    const { res, location, poll } = await openPopup(id, NOT_INSTALLED);
    expect(res.status).toBe(302);
    expect(location.origin + location.pathname).toBe(UNREACHABLE);
    expect((await poll()).status).toBe('pending');
  });

  it.each([
    ['another 400', json(400, { error: 'invalid_request', error_description: 'Invalid redirect_uri' })],
    [
      'Invalid Client with another status',
      json(401, { error: 'invalid_client', error_description: 'Invalid Client' }),
    ],
    ['a 500', json(500, { message: 'Invalid Client' })],
  ])('lets the popup go on for %s', async (_name, reply) => {
    const id = await kustomerProfile(SCRIPTED);
    upstream.script.push(reply);
    const seen = upstream.requests.length;
    const { res, location, poll } = await openPopup(id, NOT_INSTALLED);
    expect(upstream.requests.length).toBe(seen + 1);
    expect(upstream.requests.at(-1)!.method).toBe('GET');
    expect(res.status).toBe(302);
    expect(location.origin + location.pathname).toBe(SCRIPTED);
    expect((await poll()).status).toBe('pending');
  });

  it('does not follow a redirect of the authorize page', async () => {
    const id = await kustomerProfile(SCRIPTED);
    upstream.script.push((_req, res) => {
      res.writeHead(302, { location: `${new URL(SCRIPTED).origin}/login` });
      res.end();
    });
    const seen = upstream.requests.length;
    const { location, poll } = await openPopup(id, NOT_INSTALLED);
    expect(upstream.requests.length).toBe(seen + 1);
    expect(location.pathname).toBe('/oauth/authorize');
    expect((await poll()).status).toBe('pending');
  });
});

describe('POST /connector_profiles/{id}/check', () => {
  it('says plainly that a Kustomer profile has nothing to check', async () => {
    const res = await api(server)('POST', `/connector_profiles/${profiles.kustomer}/check`);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      result: 'cannot_check',
      message: 'Kustomer apps belong to each of your customers, so there is nothing to check here.',
    });
  });

  it('says it cannot check Salesforce, whose answer to an unknown client ID is not documented', async () => {
    const before = fakes.salesforce.counts.authorize;
    const res = await api(server)('POST', `/connector_profiles/${profiles.salesforce}/check`);
    expect(res.status).toBe(200);
    expect(res.json.result).toBe('cannot_check');
    expect(res.json.message).toMatch(
      /^Switchboard cannot check a Salesforce client ID without someone signing in/,
    );
    expect(fakes.salesforce.counts.authorize).toBe(before);
  });

  it('says an API-token connector has nothing to check, and 404s an unknown profile', async () => {
    expect((await api(server)('POST', `/connector_profiles/${profiles.oneflow}/check`)).json.result).toBe(
      'cannot_check',
    );
    expect((await api(server)('POST', '/connector_profiles/cp_missing/check')).status).toBe(404);
  });
});

describe('Hub connector config: the end user’s guide', () => {
  it('gives Kustomer’s end user their steps and the exact redirect URI', async () => {
    const s = await createSession(server);
    const config = (await hub(server, s.token)('GET', `/hub/connectors/${profiles.kustomer}`)).json.config;
    const callback = `${server.app.deps.settings.publicUrl()}/connect/oauth2/kustomer/callback`;
    expect(config.setupGuide.callbackUrl).toBe(callback);
    expect(config.support.description).toBe(config.setupGuide.description);
    const steps = config.setupGuide.steps.join('\n');
    expect(steps).toContain('org.admin.apps and org.permission.apps');
    expect(steps).toContain(callback);
    expect(steps).toMatch(/Install the app/);
    expect(steps).not.toMatch(/switchboard kustomer|\{callback_url\}/);
  });

  it('tells Salesforce’s end user only to sign in, and Oneflow’s where the token is', async () => {
    const s = await createSession(server);
    const sf = (await hub(server, s.token)('GET', `/hub/connectors/${profiles.salesforce}`)).json.config;
    expect(sf.setupGuide.callbackUrl).toBeNull();
    expect(sf.support.link).toBeNull(); // the admin's External Client App article is not for end users
    const words = [sf.support.description, ...sf.setupGuide.steps].join('\n');
    expect(words).toMatch(/Sign in with your Salesforce account/);
    expect(words).not.toMatch(/Connected App|External Client App|Consumer Key|Callback URL/);
    const of = (await hub(server, s.token)('GET', `/hub/connectors/${profiles.oneflow}`)).json.config;
    expect(of.setupGuide.steps.join('\n')).toContain('Admin › Integrations and open Custom Integration');
    expect(of.support.description).toMatch(/^Paste a Oneflow API token/);
  });
});

describe('connector files', () => {
  it('refuse an authorize preflight whose refusal has no translated message', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sb-conn-'));
    const kustomer = JSON.parse(
      await fs.readFile(path.join(BUILTIN_CONNECTORS_DIR, 'kustomer.json'), 'utf8'),
    );
    delete kustomer.logo;
    kustomer.error_translations = [];
    await fs.writeFile(path.join(dir, 'kustomer.json'), JSON.stringify(kustomer));
    await expect(loadConnectorFile(path.join(dir, 'kustomer.json'))).rejects.toThrow(
      ConnectorDefinitionError,
    );
    kustomer.guide.admin_steps = ['misspelt key'];
    kustomer.error_translations = [{ match: 'Invalid Client', message: 'x' }];
    await fs.writeFile(path.join(dir, 'kustomer.json'), JSON.stringify(kustomer));
    await expect(loadConnectorFile(path.join(dir, 'kustomer.json'))).rejects.toThrow(/admin_steps/);
    await fs.rm(dir, { recursive: true });
  });
});
