import { api, type TestServer } from './server.js';
import type { SeedFakes } from './seed-fakes.js';

/** The seed fixtures' credentials (connectors/fixtures/{oneflow,kustomer,salesforce}.json). */
export const ONEFLOW_TOKEN = 'of-token-0123456789-abcdefghij-KLMNOPQRS';
export const ONEFLOW_EMAIL = 'legal@example.com';
export const KUSTOMER_CLIENT = { clientId: 'kus-client-1', clientSecret: 'kus-secret-abcdef123456' };
export const SALESFORCE_CLIENT = { clientId: '3MVG9-sf-client', clientSecret: 'sf-secret-0987654321' };

/** The three seed providers of a world, each played by the generic fake provider. */
export type Fakes = SeedFakes;

/**
 * The three seed connector profiles, as shipped: no URL overrides, the server reaches the fakes
 * at the providers' real host names. With `overrides: true` (only for tests of overrides
 * themselves) the profiles carry overrides that name those same real hosts. Registers the
 * server's callback URLs with the fake OAuth apps.
 */
export async function createProfiles(
  server: TestServer,
  fakes: Fakes,
  opts: { salesforcePkce?: boolean; overrides?: boolean } = {},
) {
  const call = api(server);
  const publicUrl = server.app.deps.settings.publicUrl();
  fakes.kustomer.allowRedirectUri(`${publicUrl}/connect/oauth2/kustomer/callback`);
  fakes.salesforce.allowRedirectUri(`${publicUrl}/connect/oauth2/salesforce/callback`);
  const k = fakes.kustomer.urls.authorize!.origin;
  const s = fakes.salesforce.urls.token!.origin;
  const o = fakes.oneflow.urls.api.origin;
  const pointAt = <T>(overrides: T) => (opts.overrides ? { overrides } : {});
  const kustomer = await call('POST', '/connector_profiles', {
    provider: 'kustomer',
    ...pointAt({
      authorization_url: `${k}/oauth/authorize`,
      token_url: `${k}/oauth/token`,
      base_url: fakes.kustomer.urls.api.origin,
    }),
  });
  const salesforce = await call('POST', '/connector_profiles', {
    provider: 'salesforce',
    setup: { client_id: SALESFORCE_CLIENT.clientId, client_secret: SALESFORCE_CLIENT.clientSecret },
    pkce: opts.salesforcePkce ?? true,
    ...pointAt({
      authorization_url: `${s}/services/oauth2/authorize`,
      token_url: `${s}/services/oauth2/token`,
      revoke_url: `${s}/services/oauth2/revoke`,
    }),
  });
  const oneflow = await call('POST', '/connector_profiles', {
    provider: 'oneflow',
    ...pointAt({ base_url: `${o}/v1` }),
  });
  for (const r of [kustomer, salesforce, oneflow])
    if (r.status !== 201) throw new Error(`profile: ${r.status} ${r.text}`);
  return {
    kustomer: kustomer.json.id as string,
    salesforce: salesforce.json.id as string,
    oneflow: oneflow.json.id as string,
  };
}

export async function createSession(
  server: TestServer,
  body: Record<string, unknown> = {},
  key = server.apiKey,
) {
  const res = await api(server, key)('POST', '/connect_sessions', {
    origin_owner_id: 'cust-1',
    origin_owner_name: 'Customer One',
    ...body,
  });
  if (res.status !== 201) throw new Error(`session: ${res.status} ${res.text}`);
  return res.json as { id: number; token: string; auth_link_url: string };
}

/** Calls the Hub API as the official component does. */
export function hub(server: TestServer, token: string) {
  return async (method: string, path: string, body?: unknown) => {
    const res = await fetch(server.url + path, {
      method,
      headers: {
        'content-type': 'application/json',
        'x-hub-session-token': token,
        'x-hub-version': '1.11.4',
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : null };
  };
}
