import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConnectorFile } from './loader.js';
import { urlTemplates } from './url-values.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'connector-request-data-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A made-up OAuth connector with the request-as-data keys, changed by `edit`. */
function connector(edit: (c: any) => void = () => undefined) {
  const c: any = {
    key: 'examplechat',
    name: 'Example Chat',
    categories: ['messaging'],
    auth: {
      type: 'oauth2',
      client_from: 'setup',
      authorization_url: 'https://chat.example-chat.test/oauth/authorize',
      token_url: 'https://api.example-chat.test/oauth/token',
      scopes: { default: 'chat:read', send: false },
      pkce: { supported: false, default: false },
      refresh_url: 'https://api.example-chat.test/oauth/refresh',
      issuer: 'https://id.example-chat.test/${config.tenant}',
      token_request: { body_format: 'json', params: { audience: '${env.audience}' } },
      token_response: { token_types: ['bot'], keep: { team_id: '$.team.id' } },
    },
    environments: [{ key: 'production', label: 'Production', values: { audience: 'chat', version: '2' } }],
    setup_fields: [{ key: 'client_id', label: 'Client ID', type: 'text' }],
    config_fields: [
      { key: 'tenant', label: 'Tenant', type: 'text' },
      { key: 'api_key', label: 'API key', type: 'password', secret: true },
    ],
    base_url: 'https://api.example-chat.test',
    hosts: ['api.example-chat.test', 'id.example-chat.test', 'chat.example-chat.test'],
    inject: {
      headers: { 'X-Team': '${credentials.team_id}' },
      basic: { username: '${config.api_key}', password: 'X' },
    },
    headers: { 'Example-Version': '${env.version}' },
    test_action: {
      method: 'POST',
      path: '/auth.test',
      body: { probe: true },
      base_url: 'https://id.example-chat.test',
      expect: { path: '$.ok', equals: true },
    },
  };
  edit(c);
  return c;
}

async function load(json: unknown): Promise<string> {
  const file = path.join(dir, `x-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, JSON.stringify(json));
  return loadConnectorFile(file).then(
    () => 'loaded',
    (err: Error) => err.message,
  );
}

describe('connector files: auth and requests as data', () => {
  it('loads a connector using every new key, with its values as written', async () => {
    expect(await load(connector())).toBe('loaded');
  });

  it('fills in defaults meaning "as today" when the keys are left out', async () => {
    const file = path.join(dir, 'plain.json');
    await writeFile(
      file,
      JSON.stringify(
        connector((c) => {
          for (const k of ['refresh_url', 'issuer', 'token_request', 'token_response']) delete c.auth[k];
          delete c.auth.scopes.send;
          delete c.inject.basic;
          delete c.headers;
          c.test_action = { path: '/me' };
        }),
      ),
    );
    const c = await loadConnectorFile(file);
    expect(c.headers).toEqual({});
    expect(c.inject.basic).toBeUndefined();
    expect(c.test_action).toEqual({ method: 'GET', path: '/me', query: {} });
    if (c.auth.type !== 'oauth2') throw new Error('oauth2 expected');
    expect(c.auth.scopes.send).toBe(true);
    expect(c.auth.token_request).toEqual({
      body_format: 'form',
      params: {},
      code_params: {},
      refresh_params: {},
      headers: {},
    });
    expect(c.auth.revoke_request).toEqual({ body_format: 'form', client_auth: false });
    expect(c.auth.token_response).toEqual({ token_types: [], allow_missing_token_type: false, keep: {} });
    expect(c.auth.refresh_url).toBeUndefined();
    expect(c.auth.issuer).toBeUndefined();
  });

  it('lists refresh_url and test_action.base_url among the URL templates', async () => {
    const file = path.join(dir, 'urls.json');
    await writeFile(file, JSON.stringify(connector()));
    const names = urlTemplates(await loadConnectorFile(file)).map(([n]) => n);
    expect(names).toEqual(expect.arrayContaining(['refresh_url', 'test_action.base_url']));
  });

  it.each([
    [
      'a body format it does not know',
      (c: any) => {
        c.auth.token_request.body_format = 'xml';
      },
      'auth.token_request.body_format',
    ],
    [
      'an unknown value in a token parameter',
      (c: any) => {
        c.auth.token_request.refresh_params = { scope: '${setup.nope}' };
      },
      'auth.token_request.refresh_params.scope: template names unknown value ${setup.nope}',
    ],
    [
      "an action's own base URL on a host the connector does not own",
      (c: any) => {
        c.actions = [
          {
            id: 'examplechat_list_files',
            label: 'List files',
            request: { base_url: 'https://files.elsewhere.test', path: '/files' },
            result: { data: 'files' },
          },
        ];
      },
      'actions.examplechat_list_files.base_url: files.elsewhere.test is not a host the connector owns',
    ],
    [
      'a token-request header naming a credential',
      (c: any) => {
        c.auth.token_request.headers = { 'X-Key': '${config.api_key}' };
      },
      'auth.token_request.headers.X-Key: ${config.api_key} is a credential',
    ],
    [
      'a token-request header the request sets itself',
      (c: any) => {
        c.auth.token_request.headers = { Authorization: 'Basic x' };
      },
      'auth.token_request.headers.Authorization: the token request sets this header itself',
    ],
    [
      'an unknown value in a token-request header',
      (c: any) => {
        c.auth.token_request.headers = { 'Example-Version': '${env.nope}' };
      },
      'auth.token_request.headers.Example-Version: template names unknown value ${env.nope}',
    ],
    [
      'a revocation body format it does not know',
      (c: any) => {
        c.auth.revoke_request = { body_format: 'xml' };
      },
      'auth.revoke_request.body_format',
    ],
    [
      'an unknown value in inject.basic',
      (c: any) => {
        c.inject.basic.username = '${config.nope}';
      },
      'inject.basic.username: template names unknown value ${config.nope}',
    ],
    [
      'an unknown value in the issuer',
      (c: any) => {
        c.auth.issuer = 'https://id.example-chat.test/${config.nope}';
      },
      'auth.issuer: template names unknown value ${config.nope}',
    ],
    [
      'a fixed header naming a credential',
      (c: any) => {
        c.headers['X-Key'] = '${config.api_key}';
      },
      'headers.X-Key: ${config.api_key} is a credential; credentials go in "inject"',
    ],
    [
      'a fixed header naming a token',
      (c: any) => {
        c.headers['X-Token'] = 'Bearer ${credentials.access_token}';
      },
      'headers.X-Token: ${credentials.access_token} is a credential',
    ],
    [
      'a fixed header that is a credential header',
      (c: any) => {
        c.headers.Authorization = 'none';
      },
      'headers.Authorization: the header carries credentials',
    ],
    [
      'inject.basic next to an injected Authorization header',
      (c: any) => {
        c.inject.headers.Authorization = 'Bearer ${credentials.access_token}';
      },
      'inject.basic: inject.headers already sets Authorization',
    ],
    [
      'a refresh URL on a host it does not own',
      (c: any) => {
        c.auth.refresh_url = 'https://refresh.elsewhere.test/token';
      },
      'refresh_url: refresh.elsewhere.test is not a host the connector owns',
    ],
    [
      'a test action on a host it does not own',
      (c: any) => {
        c.test_action.base_url = 'https://id.elsewhere.test';
      },
      'test_action.base_url: id.elsewhere.test is not a host the connector owns',
    ],
    [
      'a test action host made of a plain value',
      (c: any) => {
        c.test_action.base_url = 'https://${config.tenant}.example-chat.test';
      },
      'test_action.base_url: ${config.tenant} sits in the host',
    ],
    [
      'a test action body on a GET',
      (c: any) => {
        c.test_action.method = 'GET';
      },
      'test_action.body: a GET request has no body',
    ],
    [
      'a test action expectation that is not a path',
      (c: any) => {
        c.test_action.expect.path = '$[';
      },
      'test_action.expect.path',
    ],
    [
      'a kept name that a grant writes',
      (c: any) => {
        c.auth.token_response.keep = { access_token: '$.authed_user.access_token' };
      },
      'auth.token_response.keep.access_token: the name is a token field every grant writes',
    ],
    [
      'a kept path that is not a JSONPath',
      (c: any) => {
        c.auth.token_response.keep = { team_id: '$.team[' };
      },
      'auth.token_response.keep.team_id',
    ],
  ])('refuses %s, naming the path', async (_name, edit, message) => {
    expect(await load(connector(edit))).toContain(message);
  });
});
