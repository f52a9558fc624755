import { describe, expect, it } from 'vitest';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { connectorSchema } from '../../connectors/schema.js';
import {
  authInjection,
  basicAuthorization,
  credentialHeaderNames,
  providerMessage,
  runTestAction,
  staticHeaders,
  type ProviderTarget,
} from './target.js';

/** A made-up API-key connector using HTTP Basic, fixed headers and a checked test action. */
function target(edit: (c: any) => void = () => undefined): ProviderTarget {
  const file: any = {
    key: 'examplecrm',
    name: 'Example CRM',
    categories: ['crm'],
    auth: { type: 'api_key' },
    environments: [{ key: 'production', label: 'Production', values: { version: '2024-01' } }],
    config_fields: [
      { key: 'api_key', label: 'API key', type: 'password', secret: true },
      { key: 'region', label: 'Region', type: 'text' },
    ],
    base_url: 'https://api.example-crm.test/v2',
    hosts: ['api.example-crm.test', 'id.example-crm.test'],
    inject: { basic: { username: '${config.api_key}', password: 'X' } },
    headers: { 'Example-Version': '${env.version}', 'X-Region': '${config.region}' },
    test_action: {
      method: 'POST',
      path: '/auth.test',
      body: { probe: true },
      base_url: 'https://id.example-crm.test',
      expect: { path: '$.ok', equals: true },
    },
    error_message_paths: ['$.error'],
  };
  edit(file);
  return {
    connector: connectorSchema.parse(file),
    environment: 'production',
    overrides: {},
    config: { api_key: 'crm-key-0123456789', region: 'eu' },
    setup: {},
    credentials: {},
  };
}

interface Sent {
  url: string;
  init: RequestInit;
}

function depsAnswering(status: number, body: unknown): { deps: Deps; sent: Sent[] } {
  const sent: Sent[] = [];
  const deps = {
    fetch: async (url: URL, init: RequestInit) => {
      sent.push({ url: String(url), init });
      return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    },
    settings: { allowPrivateNetwork: false },
    metrics: { providerDuration: { observe: () => undefined } },
  } as unknown as Deps;
  return { deps, sent };
}

describe('credentials and fixed headers', () => {
  it('renders inject.basic into one Authorization: Basic header (base64 of username:password)', () => {
    const { headers } = authInjection(target());
    expect(headers).toEqual({ authorization: basicAuthorization('crm-key-0123456789', 'X') });
    expect(Buffer.from(headers.authorization!.replace(/^Basic /, ''), 'base64').toString()).toBe(
      'crm-key-0123456789:X',
    );
    expect(credentialHeaderNames(target().connector)).toEqual(new Set(['authorization']));
  });

  it('renders the fixed headers with lowercase names, apart from the credentials', () => {
    expect(staticHeaders(target())).toEqual({ 'example-version': '2024-01', 'x-region': 'eu' });
  });
});

describe('runTestAction', () => {
  it('posts the JSON body to test_action.base_url with credentials and fixed headers', async () => {
    const { deps, sent } = depsAnswering(200, { ok: true });
    await runTestAction(deps, target());
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe('https://id.example-crm.test/auth.test');
    expect(sent[0]!.init.method).toBe('POST');
    expect(sent[0]!.init.body).toBe('{"probe":true}');
    expect(sent[0]!.init.headers).toMatchObject({
      'content-type': 'application/json',
      authorization: basicAuthorization('crm-key-0123456789', 'X'),
      'example-version': '2024-01',
    });
  });

  it('refuses a 2xx whose body fails the expectation, in the provider’s words', async () => {
    const { deps } = depsAnswering(200, { ok: false, error: 'invalid_auth' });
    const err = await runTestAction(deps, target()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('CREDENTIALS_REJECTED');
    expect((err as AppError).message).toBe('Example CRM rejected the credentials: invalid_auth');
  });

  it('says which value was wrong when the provider gives no message', async () => {
    const { deps } = depsAnswering(200, { ok: 'maybe' });
    await expect(runTestAction(deps, target())).rejects.toThrow(
      "Example CRM rejected the credentials: the answer's $.ok is not true",
    );
  });

  it('goes to base_url without a body when the test action declares neither', async () => {
    const { deps, sent } = depsAnswering(200, {});
    await runTestAction(
      deps,
      target((c) => {
        c.test_action = { path: '/me' };
      }),
    );
    expect(sent[0]!.url).toBe('https://api.example-crm.test/v2/me');
    expect(sent[0]!.init.body).toBeUndefined();
    expect(sent[0]!.init.headers).not.toHaveProperty('content-type');
  });
});

describe('providerMessage', () => {
  const headerTarget = target((c) => {
    c.error_message_header = 'X-Example-Error';
  });
  it('reads the error header before the body, and the body without it', () => {
    const body = { error: 'from the body' };
    expect(
      providerMessage(headerTarget.connector, body, 'HTTP 400', { 'x-example-error': ' Invalid field ' }),
    ).toBe('Invalid field');
    expect(
      providerMessage(
        headerTarget.connector,
        body,
        'HTTP 400',
        new Headers({ 'X-Example-Error': 'From fetch' }),
      ),
    ).toBe('From fetch');
    expect(providerMessage(headerTarget.connector, body, 'HTTP 400', {})).toBe('from the body');
    expect(providerMessage(target().connector, body, 'HTTP 400', { 'x-example-error': 'ignored' })).toBe(
      'from the body',
    );
    expect(providerMessage(headerTarget.connector, {}, 'HTTP 400', { 'x-example-error': '  ' })).toBe(
      'HTTP 400',
    );
  });
  it('refuses a header name that is not one', () => {
    expect(() =>
      target((c) => {
        c.error_message_header = 'X Bad: yes';
      }),
    ).toThrow();
  });
});

describe('fixed headers naming an optional field', () => {
  it('leave the header out when the field is empty, send it when given, and refuse a missing env value', () => {
    const t = target();
    expect(staticHeaders(t)).toEqual({ 'example-version': '2024-01', 'x-region': 'eu' });
    expect(staticHeaders({ ...t, config: { api_key: 'crm-key-0123456789' } })).toEqual({
      'example-version': '2024-01',
    });
    const noEnv = target((c) => {
      c.environments = [{ key: 'production', label: 'Production', values: {} }];
      c.headers = { 'Example-Version': '${env.version}' };
    });
    expect(() => staticHeaders(noEnv)).toThrow(/missing value/);
  });
});
