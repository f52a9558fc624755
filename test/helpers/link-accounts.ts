import { popupBrowser } from './cookie-jar.js';
import { api, type TestServer } from './server.js';
import {
  createSession,
  hub,
  KUSTOMER_CLIENT,
  ONEFLOW_EMAIL,
  ONEFLOW_TOKEN,
  type createProfiles,
} from './linking.js';

type Profiles = Awaited<ReturnType<typeof createProfiles>>;

/** Follows the OAuth popup's redirects (our server ⇄ fake provider) until the Hub callback page; returns its URL. */
export async function followToCallback(url: string): Promise<URL> {
  let current = url;
  for (let i = 0; i < 8; i++) {
    const res = await popupBrowser(current, { redirect: 'manual' });
    const loc = res.headers.get('location');
    await res.text();
    if (res.status < 300 || res.status >= 400 || !loc)
      throw new Error(`popup stopped at ${current} with ${res.status}`);
    const next = new URL(loc, current);
    if (next.pathname.endsWith('/embedded/accounts/callback')) return next;
    current = next.toString();
  }
  throw new Error('too many redirects');
}

/** The popup's account id, or an error when the link failed. */
async function popup(url: string): Promise<string> {
  const callback = await followToCallback(url);
  const id = callback.searchParams.get('account_id');
  if (callback.searchParams.get('status') !== 'success' || !id) throw new Error(`link failed: ${callback}`);
  return id;
}

async function linkOAuth(
  server: TestServer,
  integrationId: string,
  owner: string,
  fields: Record<string, string> = {},
) {
  const s = await createSession(server, { origin_owner_id: owner });
  const attempt = await hub(server, s.token)('POST', '/hub/connection_attempts', { token: s.token });
  const q = new URLSearchParams({
    redirect_uri: 'https://app.example.com/embedded/accounts/callback',
    token: s.token,
    connection_attempt_id: attempt.json.id,
    ...fields,
  });
  return popup(`${server.url}/connect/oauth2/${integrationId}?${q}`);
}

/** Links accounts the way end users do: Oneflow with its API token, Kustomer and Salesforce through OAuth. */
export async function linkOneflow(
  server: TestServer,
  profiles: Profiles,
  owner = 'of-owner',
  integrationId = profiles.oneflow,
): Promise<string> {
  const s = await createSession(server, { origin_owner_id: owner });
  const res = await hub(server, s.token)('POST', '/hub/accounts', {
    integration_id: integrationId,
    credentials: { api_token: ONEFLOW_TOKEN, user_email: ONEFLOW_EMAIL },
  });
  if (res.status !== 201) throw new Error(`oneflow link: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json.id as string;
}

export function linkKustomer(
  server: TestServer,
  profiles: Profiles,
  owner = 'kus-owner',
  integrationId = profiles.kustomer,
): Promise<string> {
  return linkOAuth(server, integrationId, owner, {
    client_id: KUSTOMER_CLIENT.clientId,
    client_secret: KUSTOMER_CLIENT.clientSecret,
    org_name: 'acme',
  });
}

export function linkSalesforce(
  server: TestServer,
  profiles: Profiles,
  owner = 'sf-owner',
  integrationId = profiles.salesforce,
): Promise<string> {
  return linkOAuth(server, integrationId, owner);
}

/** Suspends or restores an account by hand (as an operator would). */
export async function setStatus(
  server: TestServer,
  accountId: string,
  status: 'active' | 'inactive' | 'error',
  reason?: string,
) {
  await server.app.deps.db.query('UPDATE accounts SET status = $2, status_reasons = $3 WHERE id = $1', [
    accountId,
    status,
    JSON.stringify(
      reason ? [{ code: 'test', description: reason, timestamp: new Date().toISOString() }] : [],
    ),
  ]);
}

/** The platform API, with `x-account-id`. */
export function onAccount(server: TestServer, accountId: string) {
  const call = api(server);
  return (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    call(method, path, body, { 'x-account-id': accountId, ...headers });
}
