import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSwitchboard, type ServerProcess } from './helpers/process.js';
import { ONEFLOW_EMAIL, ONEFLOW_TOKEN } from './helpers/linking.js';
import { startShippedWorld, type ShippedWorld } from './helpers/shipped.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

async function run(args: string[], env: Record<string, string> = {}) {
  const p = runSwitchboard(args, env);
  const code = await p.exited;
  return { code, out: p.output() };
}

function client(url: string, key: string) {
  return async (method: string, route: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(url + route, {
      method,
      headers: {
        authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`,
        'content-type': 'application/json',
        ...headers,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null };
  };
}

/** Links a Oneflow account in the key's project the way an end user does: connect session, then the Hub. */
async function linkOneflow(url: string, key: string): Promise<string> {
  const call = client(url, key);
  const profile = await call('POST', '/connector_profiles', { provider: 'oneflow' });
  expect(profile.status).toBe(201);
  const session = await call('POST', '/connect_sessions', {
    origin_owner_id: 'tenant-a-customer',
    origin_owner_name: 'Tenant A customer',
  });
  expect(session.status).toBe(201);
  const res = await fetch(`${url}/hub/accounts`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-hub-session-token': session.json.token,
      'x-hub-version': '1.11.4',
    },
    body: JSON.stringify({
      integration_id: profile.json.id,
      credentials: { api_token: ONEFLOW_TOKEN, user_email: ONEFLOW_EMAIL },
    }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

/** The server as shipped: Oneflow at api.oneflow.com, reached through the world's internet as its outbound proxy. */
async function startServer(
  dataDir: string,
  apiKey: string,
  world: ShippedWorld,
): Promise<{ server: ServerProcess; url: string }> {
  const server = runSwitchboard(['start', '--port', '0', '--data-dir', dataDir], {
    SWITCHBOARD_API_KEY: apiKey,
    ...world.internet.processEnv,
  });
  cleanups.push(async () => {
    server.child.kill('SIGTERM');
    await server.exited;
  });
  return { server, url: await server.ready };
}

describe('switchboard projects and keys while the server runs on the embedded database', () => {
  it('creates a project and its key, keeps tenants apart, and a revoke by the CLI is refused at the next request', {
    timeout: 240_000,
  }, async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'sb-projects-'));
    cleanups.push(() => fs.rm(dataDir, { recursive: true, force: true }));
    const world = await startShippedWorld();
    cleanups.push(() => world.close());
    const keyA = 'sbk_tenant_a_key_0123456789abcdef';
    const { server, url } = await startServer(dataDir, keyA, world);
    const dir = ['--data-dir', dataDir];
    const accountA = await linkOneflow(url, keyA);

    // Security review setup: project B used to be inserted with SQL.
    const created = await run(['projects', 'create', '--name', 'Tenant B', ...dir]);
    expect(created.code).toBe(0);
    const projectB = created.out.match(/^(proj_[A-Za-z0-9_-]+)$/m)![1]!;
    const projects = await run(['projects', 'list', ...dir]);
    expect(projects.code).toBe(0);
    expect(projects.out).toMatch(
      /^proj_\S+\tDefault project\tdefault\torganization 1 \(Default organization\)\t1 active keys\t/m,
    );
    expect(projects.out).toContain(
      `${projectB}\tTenant B\t-\torganization 1 (Default organization)\t0 active keys\t`,
    );

    const keyCreated = await run(['keys', 'create', '--project', projectB, '--label', 'tenant b', ...dir]);
    expect(keyCreated.code).toBe(0);
    const keyB = keyCreated.out.match(/(sbk_[A-Za-z0-9_-]{43})/)![1]!;
    const keyIdB = keyCreated.out.match(/Created API key (key_\S+) for project (\S+)\./)![1]!;
    expect(keyCreated.out).toContain(`for project ${projectB}.`);

    // Project isolation: B's key works, and never sees A's accounts.
    const asB = client(url, keyB);
    const asA = client(url, keyA);
    expect(await asB('GET', '/accounts')).toEqual({ status: 200, json: [] });
    expect((await asB('GET', `/accounts/${accountA}`)).status).toBe(404);
    expect(
      (
        await asB(
          'POST',
          '/unified/proxy',
          { path: '/contracts', method: 'get' },
          { 'x-account-id': accountA },
        )
      ).status,
    ).toBe(404);
    expect((await asA('GET', '/accounts')).json.map((a: { id: string }) => a.id)).toEqual([accountA]);

    // A revoke scoped to the wrong project changes nothing, and says why.
    const projectA = projects.out.match(/^(proj_\S+)\tDefault project\t/m)![1]!;
    const wrong = await run(['keys', 'revoke', keyIdB, '--project', projectA, ...dir]);
    expect(wrong.code).toBe(2);
    expect(wrong.out).toContain(
      `key ${keyIdB} belongs to project ${projectB}, not ${projectA}: nothing revoked`,
    );
    expect((await asB('GET', '/accounts')).status).toBe(200);

    // Revoked by another process while the server runs (and has the key cached): refused at once.
    const revoked = await run(['keys', 'revoke', keyIdB, ...dir]);
    expect(revoked.code).toBe(0);
    expect(revoked.out).toContain(`Revoked ${keyIdB} (project ${projectB}).`);
    expect(revoked.out).toContain(`Project ${projectB} has no active API key left`);
    const refused = await asB('GET', '/accounts');
    expect(refused.status).toBe(401);
    expect(refused.json).toMatchObject({ statusCode: 401, message: 'Invalid API key' });
    expect((await asA('GET', '/accounts')).status).toBe(200);

    const again = await run(['keys', 'revoke', keyIdB, ...dir]);
    expect(again.code).toBe(2);
    expect(again.out).toMatch(
      new RegExp(`key ${keyIdB} of project ${projectB} was already revoked at \\d{4}-`),
    );
    const listed = await run(['keys', 'list', '--project', projectB, ...dir]);
    expect(listed.out).toMatch(
      new RegExp(`^${keyIdB}\\t…${keyB.slice(-4)}\\trevoked \\d{4}-\\S+\\t\\S+\\ttenant b$`, 'm'),
    );

    // Commands that need the database to themselves still refuse a running server.
    const rotate = await run(['encryption', 'rotate', ...dir]);
    expect(rotate.code).toBe(3);
    expect(rotate.out).toMatch(
      /in use by another Switchboard process \(pid \d+\): stop it before running this command/,
    );

    // With the server stopped, the CLI starts the embedded database itself, as before.
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    const offline = await run(['keys', 'list', '--project', projectB, ...dir]);
    expect(offline.code).toBe(0);
    expect(offline.out).toContain(`${keyIdB}\t…${keyB.slice(-4)}\trevoked`);
    await expect(fs.access(path.join(dataDir, 'switchboard.lock'))).rejects.toThrow();
  });

  it('explains bad usage with exit code 2', { timeout: 120_000 }, async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'sb-projects-usage-'));
    cleanups.push(() => fs.rm(dataDir, { recursive: true, force: true }));
    const [noName, both, unknownCommand, noDefault] = await Promise.all([
      run(['projects', 'create', '--data-dir', dataDir]),
      run([
        'projects',
        'create',
        '--name',
        'B',
        '--organization',
        '1',
        '--new-organization',
        'X',
        '--data-dir',
        dataDir,
      ]),
      run(['projects', 'frobnicate']),
      // No server has ever run here: the CLI starts the embedded database itself, finds no default organization.
      run(['projects', 'create', '--name', 'B', '--data-dir', dataDir]),
    ]);
    expect(noName.code).toBe(2);
    expect(noName.out).toMatch(/projects create needs --name/);
    expect(both.code).toBe(2);
    expect(both.out).toMatch(/give --organization or --new-organization, not both/);
    expect(unknownCommand.code).toBe(2);
    expect(unknownCommand.out).toMatch(/unknown projects command "frobnicate"/);
    expect(noDefault.code).toBe(2);
    expect(noDefault.out).toMatch(
      /no default organization yet: start the server once first, or pass --new-organization <name>/,
    );

    const own = await run([
      'projects',
      'create',
      '--name',
      'Tenant C',
      '--new-organization',
      'Acme',
      '--data-dir',
      dataDir,
    ]);
    expect(own.code).toBe(0);
    const id = own.out.match(/^(proj_\S+)$/m)![1]!;
    expect((await run(['projects', 'list', '--data-dir', dataDir])).out).toMatch(
      new RegExp(`^${id}\\tTenant C\\t-\\torganization \\d+ \\(Acme\\)\\t0 active keys\\t`, 'm'),
    );
  });
});
