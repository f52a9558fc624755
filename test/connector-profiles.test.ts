import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from './helpers/server.js';
import { createProject } from '../src/core/projects/projects.js';
import { addApiKey, generateApiKey } from '../src/core/projects/api-keys.js';
import { z } from 'zod';
import { expectWire } from './helpers/contract.js';
import { errorBody } from '../src/contract/common.js';
import { connectorProfile } from '../src/contract/connector-profiles.js';

let server: TestServer;
let call: ReturnType<typeof api>;

beforeAll(async () => {
  server = await startTestServer();
  call = api(server);
});
afterAll(async () => server?.close());

describe('connector profiles', () => {
  it('creates a Salesforce profile with defaults, secrets encrypted at rest and redacted on read', async () => {
    const res = await call('POST', '/connector_profiles', {
      provider: 'salesforce',
      environment: 'sandbox',
      setup: { client_id: '3MVG9consumerkey', client_secret: 'very-secret-consumer-secret-9876' },
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      provider: 'salesforce',
      provider_name: 'Salesforce',
      label: 'Salesforce',
      environment: 'sandbox',
      setup: { client_id: '3MVG9consumerkey', client_secret: '__secretvalue:**redacted**9876' },
      enabled_actions: null,
      overrides: { authorization_url: null, token_url: null, revoke_url: null, base_url: null },
      pkce: true,
      default: true,
      active: true,
    });
    const raw = await server.app.deps.db.query(
      'SELECT setup::text, setup_secrets FROM connector_profiles WHERE id = $1',
      [res.json.id],
    );
    expect(JSON.stringify(raw.rows[0])).not.toContain('very-secret-consumer-secret');
    expect(raw.rows[0].setup_secrets).toMatch(/^v1\.test1\./);

    const list = await call('GET', '/connector_profiles');
    expect(list.json.map((p: { id: string }) => p.id)).toContain(res.json.id);
    const one = await call('GET', `/connector_profiles/${res.json.id}`);
    expect(one.json.setup.client_secret).toBe('__secretvalue:**redacted**9876');
    expectWire(connectorProfile, res.json);
    expectWire(connectorProfile, one.json);
    expectWire(z.array(connectorProfile), list.json);
  });

  it('patches: keeps a secret sent back redacted, replaces one sent anew, validates scopes', async () => {
    const created = await call('POST', '/connector_profiles', {
      provider: 'salesforce',
      label: 'SF 2',
      setup: { client_id: 'id-2', client_secret: 'first-secret-1111' },
    });
    const id = created.json.id;
    expect(created.json.default).toBe(false); // the first Salesforce profile stays the default
    const kept = await call('PATCH', `/connector_profiles/${id}`, {
      setup: { client_secret: created.json.setup.client_secret, scopes: 'api refresh_token' },
    });
    expect(kept.status).toBe(200);
    expect(kept.json.setup).toEqual({
      client_id: 'id-2',
      client_secret: '__secretvalue:**redacted**1111',
      scopes: 'api refresh_token',
    });
    const bad = await call('PATCH', `/connector_profiles/${id}`, { setup: { scopes: 'api' } });
    expect(bad.status).toBe(400);
    expectWire(connectorProfile, kept.json);
    expect(expectWire(errorBody, bad.json).statusCode).toBe(400);
    const replaced = await call('PATCH', `/connector_profiles/${id}`, {
      setup: { client_secret: 'second-secret-2222' },
      default: true,
      pkce: false,
    });
    expect(replaced.json.setup.client_secret).toBe('__secretvalue:**redacted**2222');
    expect(replaced.json).toMatchObject({ default: true, pkce: false, environment: 'production' });
    const defaults = await server.app.deps.db.query(
      "SELECT count(*)::int AS n FROM connector_profiles WHERE provider = 'salesforce' AND is_default",
    );
    expect(defaults.rows[0].n).toBe(1);
  });

  it('deletes with 200 and the profile; other projects see 404', async () => {
    const created = await call('POST', '/connector_profiles', { provider: 'oneflow' });
    expect(created.json.setup).toEqual({});
    const p = await createProject(server.app.deps.db, 'B');
    const key = generateApiKey();
    await addApiKey(server.app.deps.db, p.projectId, key);
    const other = api(server, key);
    expect((await other('GET', `/connector_profiles/${created.json.id}`)).status).toBe(404);
    expect((await other('PATCH', `/connector_profiles/${created.json.id}`, { label: 'x' })).status).toBe(404);
    expect((await other('DELETE', `/connector_profiles/${created.json.id}`)).status).toBe(404);
    expect((await other('GET', '/connector_profiles')).json).toEqual([]);
    const del = await call('DELETE', `/connector_profiles/${created.json.id}`);
    expect(del.status).toBe(200);
    expect(del.json.id).toBe(created.json.id);
    expectWire(connectorProfile, del.json);
    expect((await call('GET', `/connector_profiles/${created.json.id}`)).status).toBe(404);
  });

  it('marks a connector active in /connectors/meta once a profile exists', async () => {
    const meta = await call('GET', '/connectors/meta');
    const active = Object.fromEntries(
      meta.json.map((c: { provider: string; active: boolean }) => [c.provider, c.active]),
    );
    expect(Object.keys(active).length).toBeGreaterThan(3);
    expect(Object.entries(active).filter(([, on]) => on)).toEqual([['salesforce', true]]);
  });
});
