import { cookieJar } from './cookie-jar.js';
import { KUSTOMER_CLIENT, SALESFORCE_CLIENT, startFakes, type Fakes } from './linking.js';
import { startTestServer, type TestServer } from './server.js';
import { setCurrentInternet, startInternet, type Internet } from './internet.js';
import { type SeedFakes, startSeedFakes } from './seed-fakes.js';

/** The org every shipped-connector test links: its API hosts are `acme.*`. */
export const ORG = 'acme';
export const SALESFORCE_INSTANCE = `https://${ORG}.my.salesforce.com`;
/** Where the end user's browser signs in to Kustomer (the connector's authorization URL). */
export const KUSTOMER_AUTHORIZE = 'https://api.apps.kustomerapp.com/oauth/authorize';
/** The org's Kustomer API host. */
export const KUSTOMER_API = `https://${ORG}.api.kustomerapp.com`;
/** Salesforce's production login host (authorize, token, revoke, identity). */
export const SALESFORCE_LOGIN = 'https://login.salesforce.com';

export interface ShippedWorld<F extends Fakes | SeedFakes = Fakes> {
  fakes: F;
  internet: Internet;
  /** A browser's fetch: provider names reach the fakes, loopback reaches our server. */
  browserFetch: (
    url: string,
    init?: { redirect?: 'manual' },
  ) => Promise<{ status: number; headers: Headers; text(): Promise<string> }>;
  close(): Promise<void>;
}

/**
 * The three seed fakes at the providers' real host names, each host serving only what the real
 * one does: Salesforce's login hosts its OAuth endpoints and identity URLs, the org's My Domain
 * its REST API; Kustomer's app host its OAuth endpoints, the org's API host `/v1`; Oneflow `/v1`.
 */
export async function startShippedWorld(opts: { generic: true }): Promise<ShippedWorld<SeedFakes>>;
export async function startShippedWorld(opts?: { generic?: false }): Promise<ShippedWorld>;
export async function startShippedWorld(
  opts: { generic?: boolean } = {},
): Promise<ShippedWorld<Fakes | SeedFakes>> {
  if (opts.generic) {
    const fakes = await startSeedFakes();
    const internet = await startInternet(fakes.routes);
    setCurrentInternet(internet);
    return {
      fakes,
      internet,
      browserFetch: cookieJar(internet.http) as ShippedWorld['browserFetch'],
      close: async () => {
        setCurrentInternet(undefined);
        await internet.close();
        await fakes.close();
      },
    };
  }
  const fakes = await startFakes();
  const internet = await startInternet([
    {
      hosts: ['login.salesforce.com', 'test.salesforce.com'],
      port: fakes.salesforce.port,
      paths: ['/services/oauth2', '/id'],
    },
    {
      hosts: [`${ORG}.my.salesforce.com`, `${ORG}2.my.salesforce.com`],
      port: fakes.salesforce.port,
      paths: ['/services/data', '/services/oauth2/userinfo'],
    },
    { hosts: ['api.apps.kustomerapp.com'], port: fakes.kustomer.port, paths: ['/oauth'] },
    { hosts: [`${ORG}.api.kustomerapp.com`], port: fakes.kustomer.port, paths: ['/v1'] },
    { hosts: ['api.oneflow.com'], port: fakes.oneflow.port, paths: ['/v1'] },
  ]);
  // Links the fakes hand out name the real hosts, as the providers' would.
  fakes.salesforce.url = SALESFORCE_LOGIN;
  fakes.salesforce.instanceUrl = SALESFORCE_INSTANCE;
  fakes.salesforce.instanceHome = SALESFORCE_INSTANCE;
  // Kustomer's fake hands out no links; its `url` is where the end user signs in (the OAuth
  // host), and the org's API is KUSTOMER_API.
  fakes.kustomer.url = 'https://api.apps.kustomerapp.com';
  fakes.oneflow.url = 'https://api.oneflow.com';
  // The helpers' browsers (link()'s popup, Chromium) use the same internet.
  setCurrentInternet(internet);
  fakes.shipped = true;
  return {
    fakes,
    internet,
    browserFetch: cookieJar(internet.http) as ShippedWorld['browserFetch'],
    close: async () => {
      setCurrentInternet(undefined);
      await internet.close();
      await fakes.close();
    },
  };
}

/**
 * A server that runs the connectors as shipped: the private-network switch off (unless `env`
 * turns it on for a loopback webhook receiver), every outbound call through the world's pool.
 * The fake OAuth apps know its exact redirect URIs.
 */
export async function startShippedServer(
  world: Pick<ShippedWorld<Fakes | SeedFakes>, 'fakes' | 'internet'>,
  env: Record<string, string> = {},
  opts: Omit<NonNullable<Parameters<typeof startTestServer>[1]>, 'http'> = {},
): Promise<TestServer> {
  const server = await startTestServer(
    { SWITCHBOARD_ALLOW_PRIVATE_NETWORK: '0', ...env },
    { ...opts, http: world.internet.http },
  );
  registerCallbacks(server, world.fakes);
  return server;
}

/** Registers the server's OAuth callback URLs with the fake OAuth apps. */
export function registerCallbacks(server: TestServer, fakes: Fakes | SeedFakes) {
  const publicUrl = server.app.deps.settings.publicUrl();
  if (isSeed(fakes)) {
    fakes.kustomer.allowRedirectUri(`${publicUrl}/connect/oauth2/kustomer/callback`);
    fakes.salesforce.allowRedirectUri(`${publicUrl}/connect/oauth2/salesforce/callback`);
    return;
  }
  fakes.kustomer.registerApp({
    ...KUSTOMER_CLIENT,
    redirectUris: [`${publicUrl}/connect/oauth2/kustomer/callback`],
  });
  fakes.salesforce.registerApp({
    ...SALESFORCE_CLIENT,
    redirectUris: [`${publicUrl}/connect/oauth2/salesforce/callback`],
  });
}

/** Whether the fakes are the generic fake provider's (not the hand-written ones). */
export const isSeed = (fakes: Fakes | SeedFakes): fakes is SeedFakes => 'fixture' in fakes.kustomer;
