import { type cookieJar, popupBrowser } from './cookie-jar.js';
import { api, type TestServer } from './server.js';
import {
  createSession,
  hub,
  KUSTOMER_CLIENT,
  ONEFLOW_EMAIL,
  ONEFLOW_TOKEN,
  type createProfiles,
} from './linking.js';

export type Profiles = Awaited<ReturnType<typeof createProfiles>>;

/**
 * Drives the OAuth popup like a browser: follows redirects across our server and the fake
 * provider until the Hub callback page, or until a page that is not a redirect. `browser` is the
 * cookie jar to use (the default reaches loopback; a made-up world's reaches its hosts).
 */
export async function drivePopup(
  url: string,
  maxHops = 8,
  browser: ReturnType<typeof cookieJar> = popupBrowser,
): Promise<{ final: URL; hops: string[]; status: number; body: string }> {
  const hops: string[] = [];
  let current = url;
  for (let i = 0; i < maxHops; i++) {
    const res = await browser(current, { redirect: 'manual' });
    hops.push(current);
    const loc = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && loc) {
      await res.text();
      const next = new URL(loc, current);
      if (next.pathname.endsWith('/embedded/accounts/callback'))
        return { final: next, hops, status: res.status, body: '' };
      current = next.toString();
      continue;
    }
    return { final: new URL(current), hops, status: res.status, body: await res.text() };
  }
  throw new Error('too many redirects');
}

/** Follows the OAuth popup's redirects until the Hub callback page; returns its URL. */
export async function followToCallback(url: string): Promise<URL> {
  const { final, status } = await drivePopup(url);
  if (!final.pathname.endsWith('/embedded/accounts/callback'))
    throw new Error(`popup stopped at ${final} with ${status}`);
  return final;
}

/** The URL the Hub opens the OAuth popup at, for one connection attempt of a session. */
export function oauthPopupUrl(
  server: TestServer,
  integrationId: string,
  token: string,
  attemptId: string,
  fields: Record<string, string> = {},
): string {
  const q = new URLSearchParams({
    redirect_uri: 'https://app.example.com/embedded/accounts/callback',
    token,
    connection_attempt_id: attemptId,
    ...fields,
  });
  return `${server.url}/connect/oauth2/${integrationId}?${q}`;
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
  return popup(oauthPopupUrl(server, integrationId, s.token, attempt.json.id, fields));
}

export type Provider = 'oneflow' | 'kustomer' | 'salesforce';

const DEFAULT_OWNER: Record<Provider, string> = {
  oneflow: 'of-owner',
  kustomer: 'kus-owner',
  salesforce: 'sf-owner',
};

/**
 * Links an account the way end users do: Oneflow with its API token through the Hub, Kustomer
 * and Salesforce through the OAuth popup. Returns the account id.
 */
export async function link(
  world: { server: TestServer; profiles?: Profiles },
  provider: Provider,
  owner = DEFAULT_OWNER[provider],
  opts: { integrationId?: string | undefined; ownerName?: string | undefined } = {},
): Promise<string> {
  const { server, profiles } = world;
  const integrationId = opts.integrationId ?? profiles?.[provider];
  if (!integrationId) throw new Error(`no ${provider} profile to link with`);
  if (provider === 'kustomer')
    return linkOAuth(server, integrationId, owner, {
      client_id: KUSTOMER_CLIENT.clientId,
      client_secret: KUSTOMER_CLIENT.clientSecret,
      org_name: 'acme',
    });
  if (provider === 'salesforce') return linkOAuth(server, integrationId, owner);
  const s = await createSession(server, {
    origin_owner_id: owner,
    ...(opts.ownerName ? { origin_owner_name: opts.ownerName } : {}),
  });
  const res = await hub(server, s.token)('POST', '/hub/accounts', {
    integration_id: integrationId,
    credentials: { api_token: ONEFLOW_TOKEN, user_email: ONEFLOW_EMAIL },
  });
  if (res.status !== 201) throw new Error(`oneflow link: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json.id as string;
}

export const linkOneflow = (server: TestServer, profiles: Profiles, owner?: string, integrationId?: string) =>
  link({ server, profiles }, 'oneflow', owner, { integrationId });

export const linkKustomer = (
  server: TestServer,
  profiles: Profiles,
  owner?: string,
  integrationId?: string,
) => link({ server, profiles }, 'kustomer', owner, { integrationId });

export const linkSalesforce = (
  server: TestServer,
  profiles: Profiles,
  owner?: string,
  integrationId?: string,
) => link({ server, profiles }, 'salesforce', owner, { integrationId });

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
