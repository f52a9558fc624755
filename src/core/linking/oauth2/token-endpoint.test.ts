import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Deps } from '../../deps.js';
import { connectorSchema, type OAuth2Auth } from '../../../connectors/schema.js';
import type { ProviderTarget } from '../../connector-profiles/target.js';
import { codeGrant, refreshGrant, tokenClient, TokenEndpointError } from './token-endpoint.js';

const TOKEN_URL = 'https://api.example-chat.test/oauth/token';
const ISSUER = 'https://id.example-chat.test/acme';
const CLIENT_ID = 'chat-client-1';

/** A made-up OAuth connector on made-up hosts; `auth` adds or replaces auth keys. */
function target(auth: Record<string, unknown> = {}): ProviderTarget {
  const connector = connectorSchema.parse({
    key: 'examplechat',
    name: 'Example Chat',
    categories: ['messaging'],
    auth: {
      type: 'oauth2',
      client_from: 'setup',
      authorization_url: 'https://chat.example-chat.test/oauth/authorize',
      token_url: TOKEN_URL,
      scopes: { default: 'openid' },
      pkce: { supported: false, default: false },
      ...auth,
    },
    environments: [{ key: 'production', label: 'Production', values: { audience: 'chat-api' } }],
    config_fields: [{ key: 'tenant', label: 'Tenant', type: 'text' }],
    base_url: 'https://api.example-chat.test',
    hosts: ['api.example-chat.test', 'auth.example-chat.test'],
    inject: { headers: { authorization: 'Bearer ${credentials.access_token}' } },
    test_action: { path: '/me' },
  });
  return {
    connector,
    environment: 'production',
    overrides: {},
    config: { tenant: 'acme' },
    setup: { client_id: CLIENT_ID, client_secret: 'chat-secret-0123456789' },
    credentials: {},
  };
}

interface Seen {
  url: string;
  contentType: string | null;
  body: string;
}

/** Deps whose fetch records each token request and answers with `reply`. */
function depsAnswering(reply: () => Response): { deps: Deps; seen: Seen[] } {
  const seen: Seen[] = [];
  const fetcher = async (input: RequestInfo | URL, init?: RequestInit) => {
    seen.push({
      url: String(input),
      contentType: new Headers(init?.headers).get('content-type'),
      body: String(init?.body),
    });
    return reply();
  };
  const deps = {
    fetch: fetcher,
    clock: () => new Date('2026-01-01T00:00:00Z'),
    settings: { allowPrivateNetwork: false },
  } as unknown as Deps;
  return { deps, seen };
}

const tokenJson = (body: Record<string, unknown>) => () =>
  new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });

/** An RS256 id_token for our client, signed with a throwaway key (the token endpoint's TLS vouches for it). */
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
function idToken(iss: string): string {
  const now = Math.floor(Date.now() / 1000);
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ iss, sub: 'u-1', aud: CLIENT_ID, iat: now, exp: now + 600 })}`;
  return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
}

async function exchange(t: ProviderTarget, deps: Deps) {
  const auth = t.connector.auth as OAuth2Auth;
  return codeGrant(tokenClient(deps, t, auth), {
    response: { state: 'st-1', code: 'code-1' },
    redirectUri: 'https://switchboard.example.com/connect/oauth2/examplechat/callback',
    verifier: null,
  });
}

describe('token requests as data', () => {
  it('sends the code exchange as a JSON object with the extra parameters when body_format is json', async () => {
    const t = target({
      token_request: {
        body_format: 'json',
        params: { audience: '${env.audience}' },
        code_params: { tenant: '${config.tenant}' },
        refresh_params: { only_on_refresh: 'yes' },
      },
    });
    const { deps, seen } = depsAnswering(tokenJson({ access_token: 'at-1', token_type: 'Bearer' }));
    await exchange(t, deps);
    expect(seen[0]!.contentType).toBe('application/json');
    expect(JSON.parse(seen[0]!.body)).toEqual({
      grant_type: 'authorization_code',
      code: 'code-1',
      redirect_uri: 'https://switchboard.example.com/connect/oauth2/examplechat/callback',
      audience: 'chat-api',
      tenant: 'acme',
      client_id: CLIENT_ID,
      client_secret: 'chat-secret-0123456789',
    });
  });

  it('keeps the form encoding by default, with the refresh parameters on refreshes only', async () => {
    const t = target({
      token_request: { params: { audience: '${env.audience}' }, refresh_params: { r: '1' } },
    });
    const { deps, seen } = depsAnswering(tokenJson({ access_token: 'at-2', token_type: 'bearer' }));
    const tc = tokenClient(deps, t, t.connector.auth as OAuth2Auth);
    await refreshGrant(tc, 'rt-1', { access_token: 'old', refresh_token: 'rt-1' });
    expect(seen[0]!.contentType).toMatch(/^application\/x-www-form-urlencoded/);
    const form = new URLSearchParams(seen[0]!.body);
    expect(form.get('grant_type')).toBe('refresh_token');
    expect(form.get('audience')).toBe('chat-api');
    expect(form.get('r')).toBe('1');
    await exchange(t, deps);
    expect(new URLSearchParams(seen[1]!.body).get('r')).toBeNull();
  });

  it('sends refreshes to refresh_url and code exchanges to token_url', async () => {
    const t = target({ refresh_url: 'https://auth.example-chat.test/oauth/refresh' });
    const { deps, seen } = depsAnswering(tokenJson({ access_token: 'at-3', token_type: 'bearer' }));
    const tc = tokenClient(deps, t, t.connector.auth as OAuth2Auth);
    const grant = await refreshGrant(tc, 'rt-1', { access_token: 'old', refresh_token: 'rt-1' });
    await exchange(t, deps);
    expect(seen.map((s) => s.url)).toEqual(['https://auth.example-chat.test/oauth/refresh', TOKEN_URL]);
    expect(grant.credentials).toMatchObject({ access_token: 'at-3', refresh_token: 'rt-1' });
  });

  it('refuses a refresh_url that renders onto a host the connector does not own', () => {
    const t = target({ refresh_url: 'https://auth.example-chat.test/oauth/refresh' });
    t.connector.hosts = ['api.example-chat.test'];
    const { deps } = depsAnswering(tokenJson({}));
    expect(() => tokenClient(deps, t, t.connector.auth as OAuth2Auth)).toThrow(
      /refresh_url points at a host/,
    );
  });
});

describe('token responses as data', () => {
  it('refuses a token_type it was not told about, and accepts it when token_types lists it', async () => {
    const { deps } = depsAnswering(tokenJson({ access_token: 'xoxb-1', token_type: 'bot' }));
    await expect(exchange(target(), deps)).rejects.toThrow(TokenEndpointError);
    const grant = await exchange(target({ token_response: { token_types: ['Bot'] } }), deps);
    expect(grant.credentials).toMatchObject({ access_token: 'xoxb-1', token_type: 'bot' });
  });

  it('reads a response without token_type as bearer only when allow_missing_token_type says so', async () => {
    const { deps } = depsAnswering(tokenJson({ access_token: 'at-4' }));
    await expect(exchange(target(), deps)).rejects.toThrow(/token_type/);
    const grant = await exchange(target({ token_response: { allow_missing_token_type: true } }), deps);
    expect(grant.credentials).toMatchObject({ access_token: 'at-4', token_type: 'bearer' });
  });

  it('keeps the values its JSONPaths select, next to keep_token_fields', async () => {
    const t = target({
      keep_token_fields: ['instance_url'],
      token_response: { keep: { team_id: '$.team.id', user_id: '$.authed_user.id', missing: '$.nope' } },
    });
    const { deps } = depsAnswering(
      tokenJson({
        access_token: 'at-5',
        token_type: 'bearer',
        instance_url: 'https://eu.example-chat.test',
        team: { id: 'T123', name: 'Acme' },
        authed_user: { id: 'U9' },
      }),
    );
    const grant = await exchange(t, deps);
    expect(grant.credentials).toMatchObject({
      instance_url: 'https://eu.example-chat.test',
      team_id: 'T123',
      user_id: 'U9',
    });
    expect(grant.credentials).not.toHaveProperty('missing');
  });
});

describe('kept values on refresh', () => {
  it('replaces a kept value the refresh response carries and keeps the old one otherwise', async () => {
    const t = target({ token_response: { keep: { team_id: '$.team.id', user_id: '$.authed_user.id' } } });
    const { deps } = depsAnswering(
      tokenJson({ access_token: 'at-7', token_type: 'bearer', team: { id: 'T2' } }),
    );
    const tc = tokenClient(deps, t, t.connector.auth as OAuth2Auth);
    const grant = await refreshGrant(tc, 'rt-1', {
      access_token: 'old',
      refresh_token: 'rt-1',
      team_id: 'T1',
      user_id: 'U1',
    });
    expect(grant.credentials).toMatchObject({ access_token: 'at-7', team_id: 'T2', user_id: 'U1' });
  });
});

describe('id_token issuer', () => {
  const withIdToken = (iss: string) =>
    tokenJson({ access_token: 'at-6', token_type: 'bearer', id_token: idToken(iss) });

  it('expects the token URL origin by default, so an id_token from another issuer is refused', async () => {
    const { deps } = depsAnswering(withIdToken(ISSUER));
    const err = await exchange(target(), deps).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TokenEndpointError);
    expect((err as TokenEndpointError).description).toMatch(/unexpected JWT "iss"/);
  });

  it('accepts the id_token when auth.issuer (a template) names its issuer', async () => {
    const { deps } = depsAnswering(withIdToken(ISSUER));
    const grant = await exchange(target({ issuer: 'https://id.example-chat.test/${config.tenant}' }), deps);
    expect(grant.credentials.access_token).toBe('at-6');
  });

  it('refuses an id_token whose issuer is not the one auth.issuer names', async () => {
    const { deps } = depsAnswering(withIdToken('https://id.example-chat.test/other'));
    await expect(
      exchange(target({ issuer: 'https://id.example-chat.test/${config.tenant}' }), deps),
    ).rejects.toThrow(/unexpected JWT "iss"/);
  });

  it('accepts either spelling of a listed issuer, and refuses one not on the list', async () => {
    const listed = target({
      issuer: ['https://id.example-chat.test/${config.tenant}', 'id.example-chat.test'],
    });
    for (const iss of [ISSUER, 'id.example-chat.test']) {
      const { deps } = depsAnswering(withIdToken(iss));
      const grant = await exchange(listed, deps);
      expect(grant.credentials.access_token, iss).toBe('at-6');
    }
    const { deps } = depsAnswering(withIdToken('https://id.example-chat.test/other'));
    await expect(exchange(listed, deps)).rejects.toThrow(/unexpected JWT "iss"/);
  });

  it('skips the issuer check only with issuer "any", and still checks the audience', async () => {
    const { deps } = depsAnswering(withIdToken('https://login.anywhere.test'));
    const grant = await exchange(target({ issuer: 'any' }), deps);
    expect(grant.credentials.access_token).toBe('at-6');
    const other = target({ issuer: 'any' });
    other.setup.client_id = 'someone-else';
    await expect(exchange(other, deps)).rejects.toThrow(/"aud"/);
  });
});
