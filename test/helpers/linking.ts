import { startFakeKustomer, type FakeKustomer } from '../fakes/kustomer.js';
import { startFakeSalesforce, type FakeSalesforce } from '../fakes/salesforce.js';
import { startFakeOneflow, type FakeOneflow } from '../fakes/oneflow.js';
import { api, type TestServer } from './server.js';
import type { SeedFakes } from './seed-fakes.js';

export const ONEFLOW_TOKEN = 'of-token-0123456789-abcdefghij-KLMNOPQRS';
export const ONEFLOW_EMAIL = 'legal@example.com';
export const KUSTOMER_CLIENT = { clientId: 'kus-client-1', clientSecret: 'kus-secret-abcdef123456' };
export const SALESFORCE_CLIENT = { clientId: '3MVG9-sf-client', clientSecret: 'sf-secret-0987654321' };

export interface Fakes {
  kustomer: FakeKustomer;
  salesforce: FakeSalesforce;
  oneflow: FakeOneflow;
  /** True once the fakes answer at the providers' real host names (a shipped world). */
  shipped?: boolean;
  close(): Promise<void>;
}

export async function startFakes(): Promise<Fakes> {
  const [kustomer, salesforce, oneflow] = await Promise.all([
    startFakeKustomer(),
    startFakeSalesforce(),
    startFakeOneflow(),
  ]);
  oneflow.addToken(ONEFLOW_TOKEN, [ONEFLOW_EMAIL]);
  return {
    kustomer,
    salesforce,
    oneflow,
    close: async () => {
      await Promise.all([kustomer.close(), salesforce.close(), oneflow.close()]);
    },
  };
}

/**
 * The three seed connector profiles. For fakes of a shipped world (test/helpers/shipped.ts) they
 * are as shipped: no URL overrides, the server reaches the fakes at the providers' real host
 * names. For fakes on bare loopback (`startFakes()`), or with `overrides: true`, their URL
 * overrides point at the fakes; only tests of overrides themselves should want that. Registers
 * the server's callback URLs with the fake OAuth apps.
 */
export async function createProfiles(
  server: TestServer,
  fakes: Fakes | SeedFakes,
  opts: { salesforcePkce?: boolean; overrides?: boolean } = {},
) {
  const call = api(server);
  const publicUrl = server.app.deps.settings.publicUrl();
  let k: string;
  let s: string;
  let o: string;
  let pointAt: <T>(overrides: T) => { overrides?: T };
  if ('fixture' in fakes.kustomer) {
    const seed = fakes as SeedFakes;
    seed.kustomer.allowRedirectUri(`${publicUrl}/connect/oauth2/kustomer/callback`);
    seed.salesforce.allowRedirectUri(`${publicUrl}/connect/oauth2/salesforce/callback`);
    // The generic fakes answer only at the providers' real hosts: overrides (for tests of
    // overrides themselves) name those hosts.
    k = seed.kustomer.urls.authorize!.origin;
    s = seed.salesforce.urls.token!.origin;
    o = seed.oneflow.urls.api.origin;
    pointAt = <T>(overrides: T) => (opts.overrides ? { overrides } : {});
  } else {
    const legacy = fakes as Fakes;
    legacy.kustomer.registerApp({
      ...KUSTOMER_CLIENT,
      redirectUris: [`${publicUrl}/connect/oauth2/kustomer/callback`],
    });
    legacy.salesforce.registerApp({
      ...SALESFORCE_CLIENT,
      redirectUris: [`${publicUrl}/connect/oauth2/salesforce/callback`],
    });
    k = legacy.kustomer.url;
    s = legacy.salesforce.url;
    o = legacy.oneflow.url;
    pointAt = <T>(overrides: T) => ((opts.overrides ?? !legacy.shipped) ? { overrides } : {});
  }
  const kustomer = await call('POST', '/connector_profiles', {
    provider: 'kustomer',
    ...pointAt({
      authorization_url: `${k}/oauth/authorize`,
      token_url: `${k}/oauth/token`,
      base_url: 'fixture' in fakes.kustomer ? (fakes as SeedFakes).kustomer.urls.api.origin : k,
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
