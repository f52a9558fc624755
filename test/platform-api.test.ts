import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StackOne } from '@stackone/stackone-client-ts';
import * as errors from '@stackone/stackone-client-ts/sdk/models/errors/index.js';
import { ConnectSessionCreateCategories } from '@stackone/stackone-client-ts/sdk/models/shared/index.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { createProject } from '../src/core/projects/projects.js';
import { addApiKey, generateApiKey } from '../src/core/projects/api-keys.js';
import { insertAccount } from '../src/core/accounts/accounts.js';
import { z } from 'zod';
import { callWire, expectWireError } from './helpers/contract.js';
import { accountMeta, linkedAccount } from '../src/contract/accounts.js';
import { connectSession, connectSessionWithToken } from '../src/contract/connect-sessions.js';
import { connectorsMeta } from '../src/contract/connectors.js';
import { loadConnectors } from '../src/connectors/loader.js';

let server: TestServer;
let sdk: StackOne;
let otherProject: { projectId: string; key: string };

const client = (url: string, key: string | undefined) =>
  new StackOne({
    serverURL: url,
    ...(key === undefined ? {} : { security: { username: key, password: '' } }),
    retryConfig: { strategy: 'none' },
    timeoutMs: 10_000,
  });

async function seedAccount(projectId: string, over: Partial<Parameters<typeof insertAccount>[2]> = {}) {
  return insertAccount(server.app.deps, server.app.deps.db, {
    projectId,
    connectorProfileId: null,
    provider: 'oneflow',
    originOwnerId: 'owner-1',
    originOwnerName: 'Owner One',
    secrets: { api_token: `${'a'.repeat(36)}WXYZ` },
    setupInformation: { user_email: 'one@example.com' },
    ...over,
  });
}

beforeAll(async () => {
  server = await startTestServer();
  sdk = client(server.url, server.apiKey);
  const p = await createProject(server.app.deps.db, 'Other');
  const key = generateApiKey();
  await addApiKey(server.app.deps.db, p.projectId, key);
  otherProject = { projectId: p.projectId, key };
});
afterAll(async () => server?.close());

describe('connect sessions through the official SDK', () => {
  it('creates a session with the contract defaults and an auth link', async () => {
    const res = await sdk.connectSessions.createConnectSession({
      originOwnerId: 'owner-1',
      originOwnerName: 'Owner One',
      categories: [ConnectSessionCreateCategories.Crm, ConnectSessionCreateCategories.Ticketing],
      label: 'probe',
    });
    const s = res.connectSessionTokenAuthLink!;
    expect(res.statusCode).toBe(201);
    expect(typeof s.id).toBe('number');
    expect(typeof s.organizationId).toBe('number');
    expect(s.projectId).toBe(server.app.boot.project.projectId);
    expect(s.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(s.authLinkUrl).toBe(`${server.url}/embedded/integrations?token=${s.token}`);
    expect(s.categories).toEqual(['crm', 'ticketing']);
    expect(s.type).toBe('production');

    // The token is stored only as a hash.
    const raw = await server.app.deps.db.query(
      'SELECT token_hash::text AS h FROM connect_sessions WHERE id = $1',
      [s.id],
    );
    expect(JSON.stringify(raw.rows)).not.toContain(s.token);

    const auth = await sdk.connectSessions.authenticateConnectSession({ token: s.token });
    expect(auth.statusCode).toBe(201);
    expect(auth.connectSession!.id).toBe(s.id);
    expect(auth.connectSession!.originOwnerName).toBe('Owner One');

    // The raw bodies are exactly the contract's shapes.
    const created = await callWire(
      connectSessionWithToken,
      server.url,
      server.apiKey,
      'POST',
      '/connect_sessions',
      {
        body: { origin_owner_id: 'owner-2', origin_owner_name: 'Owner Two', categories: ['crm'] },
        status: 201,
      },
    );
    expect(created.categories).toEqual(['crm']);
    const resolved = await callWire(
      connectSession,
      server.url,
      server.apiKey,
      'POST',
      '/connect_sessions/authenticate',
      { body: { token: created.token }, status: 201 },
    );
    expect(resolved).toMatchObject({ id: created.id, origin_owner_id: 'owner-2' });
  });

  it('honours expires_in and refuses an expired or unknown token with 401', async () => {
    const res = await sdk.connectSessions.createConnectSession({
      originOwnerId: 'o',
      originOwnerName: 'O',
      expiresIn: 60,
    });
    const s = res.connectSessionTokenAuthLink!;
    const row = await server.app.deps.db.query<{ ttl: number }>(
      'SELECT extract(epoch FROM expires_at - created_at)::int AS ttl FROM connect_sessions WHERE id = $1',
      [s.id],
    );
    expect(row.rows[0]!.ttl).toBe(60);
    await server.app.deps.db.query(
      "UPDATE connect_sessions SET expires_at = now() - interval '1 second' WHERE id = $1",
      [s.id],
    );
    await expect(sdk.connectSessions.authenticateConnectSession({ token: s.token })).rejects.toBeInstanceOf(
      errors.UnauthorizedResponse,
    );
    await expect(
      sdk.connectSessions.authenticateConnectSession({ token: 'x'.repeat(43) }),
    ).rejects.toBeInstanceOf(errors.UnauthorizedResponse);
  });

  it("does not authenticate another project's session token", async () => {
    const other = client(server.url, otherProject.key);
    const res = await other.connectSessions.createConnectSession({
      originOwnerId: 'o',
      originOwnerName: 'O',
    });
    await expect(
      sdk.connectSessions.authenticateConnectSession({ token: res.connectSessionTokenAuthLink!.token }),
    ).rejects.toBeInstanceOf(errors.NotFoundResponse);
  });
});

describe('accounts through the official SDK', () => {
  it("lists with every filter, paginates, and never shows another project's accounts", async () => {
    const a1 = await seedAccount(server.app.boot.project.projectId, {
      originOwnerId: 'alice',
      provider: 'oneflow',
    });
    const a2 = await seedAccount(server.app.boot.project.projectId, {
      originOwnerId: 'bob',
      provider: 'kustomer',
    });
    const a3 = await seedAccount(server.app.boot.project.projectId, {
      originOwnerId: 'bob',
      provider: 'salesforce',
    });
    await server.app.deps.db.query("UPDATE accounts SET status = 'error' WHERE id = $1", [a3.id]);
    const foreign = await seedAccount(otherProject.projectId, { originOwnerId: 'alice' });

    const ids = async (req: Parameters<StackOne['accounts']['listLinkedAccounts']>[0]) =>
      ((await sdk.accounts.listLinkedAccounts(req)).classes ?? []).map((a) => a.id).sort();

    expect(await ids({})).toEqual([a1.id, a2.id, a3.id].sort());
    expect(await ids({ originOwnerId: 'alice' })).toEqual([a1.id]);
    expect(await ids({ originOwnerIds: ['alice', 'bob'] })).toEqual([a1.id, a2.id, a3.id].sort());
    expect(await ids({ providers: ['kustomer', 'salesforce'] })).toEqual([a2.id, a3.id].sort());
    expect(await ids({ provider: 'oneflow' })).toEqual([a1.id]);
    expect(await ids({ status: ['error'] })).toEqual([a3.id]);
    expect(await ids({ accountIds: [a1.id, foreign.id] })).toEqual([a1.id]);
    expect(await ids({ pageSize: 2, page: 1 })).toHaveLength(2);
    expect(await ids({ pageSize: 2, page: 2 })).toHaveLength(1);
    const all = [...(await ids({ pageSize: 2, page: 1 })), ...(await ids({ pageSize: 2, page: 2 }))].sort();
    expect(all).toEqual([a1.id, a2.id, a3.id].sort());

    const listed = await callWire(z.array(linkedAccount), server.url, server.apiKey, 'GET', '/accounts');
    expect(listed.map((a) => a.id).sort()).toEqual([a1.id, a2.id, a3.id].sort());
  });

  it('gets, patches and deletes an account; redacts its secrets', async () => {
    const a = await seedAccount(server.app.boot.project.projectId);
    const got = (await sdk.accounts.getAccount({ id: a.id })).linkedAccount!;
    expect(got).toMatchObject({ id: a.id, provider: 'oneflow', originOwnerId: 'owner-1', status: 'active' });
    expect(got.createdAt).toBeInstanceOf(Date);

    const res = await fetch(`${server.url}/accounts/${a.id}`, {
      headers: { authorization: `Basic ${Buffer.from(`${server.apiKey}:`).toString('base64')}` },
    });
    const body = (await res.json()) as {
      credentials: Record<string, string>;
      setup_information: Record<string, string>;
    };
    expect(body.credentials.api_token).toBe('__secretvalue:**redacted**WXYZ');
    expect(body.setup_information.user_email).toBe('one@example.com');

    const patched = (
      await sdk.accounts.updateAccount({
        id: a.id,
        patchAccountExternalDto: { originOwnerName: 'Renamed', originUsername: 'ren' },
      })
    ).linkedAccount!;
    expect(patched.originOwnerName).toBe('Renamed');
    expect(patched.originUsername).toBe('ren');
    expect(patched.originOwnerId).toBe('owner-1');

    const meta = (await sdk.accounts.getAccountMetaInfo({ id: a.id })).linkedAccountMeta!;
    expect(meta.provider).toBe('oneflow');
    expect(meta.category).toBe('documents');

    const wire = (method: 'GET' | 'PATCH', path: string, body?: unknown) =>
      callWire(linkedAccount, server.url, server.apiKey, method, path, body === undefined ? {} : { body });
    expect((await wire('GET', `/accounts/${a.id}`)).origin_owner_name).toBe('Renamed');
    expect((await wire('PATCH', `/accounts/${a.id}`, { label: 'wire', type: 'production' })).label).toBe(
      'wire',
    );
    expect(
      await callWire(accountMeta, server.url, server.apiKey, 'GET', `/accounts/${a.id}/meta`),
    ).toMatchObject({ provider: 'oneflow', category: 'documents' });

    const deleted = await sdk.accounts.deleteAccount({ id: a.id });
    expect(deleted.statusCode).toBe(200);
    expect(deleted.linkedAccount!.id).toBe(a.id);
    await expect(sdk.accounts.getAccount({ id: a.id })).rejects.toBeInstanceOf(errors.NotFoundResponse);
  });

  it("answers 404 for another project's account on every operation, and changes nothing", async () => {
    const foreign = await seedAccount(otherProject.projectId, { originOwnerName: 'Foreign' });
    await expect(sdk.accounts.getAccount({ id: foreign.id })).rejects.toBeInstanceOf(errors.NotFoundResponse);
    await expect(sdk.accounts.getAccountMetaInfo({ id: foreign.id })).rejects.toBeInstanceOf(
      errors.NotFoundResponse,
    );
    await expect(
      sdk.accounts.updateAccount({ id: foreign.id, patchAccountExternalDto: { originOwnerName: 'x' } }),
    ).rejects.toBeInstanceOf(errors.NotFoundResponse);
    await expect(sdk.accounts.deleteAccount({ id: foreign.id })).rejects.toBeInstanceOf(
      errors.NotFoundResponse,
    );
    const still = await server.app.deps.db.query('SELECT origin_owner_name FROM accounts WHERE id = $1', [
      foreign.id,
    ]);
    expect(still.rows[0]).toEqual({ origin_owner_name: 'Foreign' });

    const res = await fetch(`${server.url}/accounts/${foreign.id}`, {
      headers: { authorization: `Basic ${Buffer.from(`${server.apiKey}:`).toString('base64')}` },
    });
    expect((await expectWireError(res, 404)).message).toBe('Account not found');
  });
});

describe('connectors meta through the official SDK', () => {
  it('lists every connector and gets one; unknown provider is 404', async () => {
    const list = (await sdk.connectors.listConnectorsMeta({ include: 'resources' })).classes!;
    const keys = (await loadConnectors()).list().map((c) => c.key);
    expect(keys).toEqual(expect.arrayContaining(['kustomer', 'oneflow', 'salesforce']));
    expect(list.map((c) => c.provider).sort()).toEqual([...keys].sort());
    const sf = (await sdk.connectors.getConnectorMeta({ provider: 'salesforce' })).connectorsMeta!;
    expect(sf).toMatchObject({ provider: 'salesforce', providerName: 'Salesforce', category: 'crm' });
    expect(sf.resources?.images?.logoUrl).toBe(`${server.url}/connectors/logos/salesforce`);
    const logo = await fetch(sf.resources!.images!.logoUrl!);
    expect(logo.headers.get('content-type')).toBe('image/svg+xml');
    await expect(sdk.connectors.getConnectorMeta({ provider: 'nope' })).rejects.toBeInstanceOf(
      errors.NotFoundResponse,
    );

    const all = await callWire(z.array(connectorsMeta), server.url, server.apiKey, 'GET', '/connectors/meta');
    expect(all.map((c) => c.provider).sort()).toEqual(
      (await loadConnectors())
        .list()
        .map((c) => c.key)
        .sort(),
    );
    const one = await callWire(
      connectorsMeta,
      server.url,
      server.apiKey,
      'GET',
      '/connectors/meta/salesforce',
    );
    expect(one.resources.images.logo_url).toBe(`${server.url}/connectors/logos/salesforce`);
  });
});

describe('authentication', () => {
  it('is 401 without credentials and with a wrong key, as typed SDK errors', async () => {
    await expect(client(server.url, undefined).accounts.listLinkedAccounts({})).rejects.toBeInstanceOf(
      errors.UnauthorizedResponse,
    );
    await expect(client(server.url, 'sbk_wrong').accounts.listLinkedAccounts({})).rejects.toBeInstanceOf(
      errors.UnauthorizedResponse,
    );
    const err = await client(server.url, 'sbk_wrong')
      .connectors.listConnectorsMeta({})
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(errors.UnauthorizedResponse);
    expect((err as errors.UnauthorizedResponse).statusCode).toBe(401);
    expect((err as errors.UnauthorizedResponse).message).toBe('Invalid API key');

    await expectWireError(await fetch(`${server.url}/accounts`), 401);
  });
});
