import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_CONNECTORS_DIR, loadConnectorFile } from './loader.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'grants-schema-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Kustomer's shipped file with its auth changed, loaded: the connector, or the loader's message. */
async function load(auth: (a: Record<string, unknown>) => Record<string, unknown>) {
  const c = JSON.parse(await readFile(path.join(BUILTIN_CONNECTORS_DIR, 'kustomer.json'), 'utf8'));
  delete c.logo;
  c.auth = auth(c.auth);
  const file = path.join(dir, 'x.json');
  await writeFile(file, JSON.stringify(c));
  return loadConnectorFile(file).catch((err: Error) => err.message);
}

const clientCredentials = (a: Record<string, unknown>) => {
  const { authorization_url: _a, scopes: _s, pkce: _p, authorize_preflight: _f, ...rest } = a;
  return { ...rest, grant: 'client_credentials' };
};

describe('oauth2 grant keys', () => {
  it('default to the authorization code grant with nothing discovered or kept', async () => {
    const c = await load((a) => a);
    if (typeof c === 'string' || c.auth.type !== 'oauth2') throw new Error(String(c));
    expect(c.auth).toMatchObject({
      grant: 'authorization_code',
      grant_params: {},
      post_auth: [],
      callback_params: [],
    });
    expect(c.auth.callback_hmac).toBeUndefined();
  });

  it('let a client-credentials connector leave out the authorize URL, scopes and PKCE', async () => {
    const c = await load(clientCredentials);
    if (typeof c === 'string' || c.auth.type !== 'oauth2') throw new Error(String(c));
    expect(c.auth.grant).toBe('client_credentials');
    expect(c.auth.authorization_url).toBe('');
    expect(c.auth.pkce).toEqual({ supported: false, default: false });
  });

  it('refuse an authorization code connector without an authorize URL, naming the path', async () => {
    const said = await load(({ authorization_url: _a, ...rest }) => rest);
    expect(said).toMatch(/auth\.authorization_url/);
  });

  it('fill the callback HMAC defaults and refuse a bad pick path or credentials name', async () => {
    const c = await load((a) => ({ ...a, callback_hmac: {} }));
    if (typeof c === 'string' || c.auth.type !== 'oauth2') throw new Error(String(c));
    expect(c.auth.callback_hmac).toEqual({
      param: 'hmac',
      secret_field: 'client_secret',
      algorithm: 'sha256',
      encoding: 'hex',
    });
    const step = { request: { url: 'https://api.kustomer.com/v1/tenants' }, pick: { tenant: '$[' } };
    expect(await load((a) => ({ ...a, post_auth: [step] }))).toMatch(
      /auth\.post_auth\.0\.pick\.tenant: "\$\[" is not a JSONPath/,
    );
    expect(await load((a) => ({ ...a, callback_params: ['realm-id'] }))).toMatch(/auth\.callback_params/);
    expect(await load((a) => ({ ...a, grant: 'password' }))).toMatch(/auth\.grant/);
  });
});
