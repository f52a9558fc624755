import { cookieJar } from './cookie-jar.js';
import { startTestServer, type TestServer } from './server.js';
import { setCurrentInternet, startInternet, type Internet, type Route } from './internet.js';
import { type FakeProvider, type SeedFakes, startSeedFakes } from './seed-fakes.js';

/** The org every shipped-connector test links: its API hosts are `acme.*`. */
export const ORG = 'acme';
export const SALESFORCE_INSTANCE = `https://${ORG}.my.salesforce.com`;
/** Where the end user's browser signs in to Kustomer (the connector's authorization URL). */
export const KUSTOMER_AUTHORIZE = 'https://api.apps.kustomerapp.com/oauth/authorize';
/** The org's Kustomer API host. */
export const KUSTOMER_API = `https://${ORG}.api.kustomerapp.com`;
/** Salesforce's production login host (authorize, token, revoke, identity). */
export const SALESFORCE_LOGIN = 'https://login.salesforce.com';

export interface ShippedWorld {
  fakes: SeedFakes;
  internet: Internet;
  /** A browser's fetch: provider names reach the fakes, loopback reaches our server. */
  browserFetch: (
    url: string,
    init?: { redirect?: 'manual' },
  ) => Promise<{ status: number; headers: Headers; text(): Promise<string> }>;
  close(): Promise<void>;
}

export interface ShippedWorldOptions {
  /**
   * More host names for the internet stand-in, beside the seed providers': a scripted upstream
   * that plays a broken provider, or a port nothing listens on, at a name of its own (for a
   * profile whose URL override names it).
   */
  routes?: Route[];
  /** Other fakes (another environment of a provider) behind the same internet, closed with the world. */
  more?: FakeProvider[];
}

/**
 * The three seed providers, each played by the generic fake provider from its shipped connector
 * file and fixture, at their real host names behind the internet stand-in. The helpers' browsers
 * (link()'s popup, Chromium) use the same internet while the world runs.
 */
export async function startShippedWorld(opts: ShippedWorldOptions = {}): Promise<ShippedWorld> {
  const fakes = await startSeedFakes();
  const more = opts.more ?? [];
  const routes = [...fakes.routes, ...more.flatMap((f) => f.routes), ...(opts.routes ?? [])];
  const internet = await startInternet(routes).catch(async (err) => {
    await fakes.close();
    throw err;
  });
  setCurrentInternet(internet);
  return {
    fakes,
    internet,
    browserFetch: cookieJar(internet.http) as ShippedWorld['browserFetch'],
    close: async () => {
      setCurrentInternet(undefined);
      await internet.close();
      await fakes.close();
      for (const f of more) await f.close();
    },
  };
}

/**
 * A server that runs the connectors as shipped: the private-network switch off (unless `env`
 * turns it on for a loopback webhook receiver), every outbound call through the world's pool.
 * The fake OAuth apps know its exact redirect URIs.
 */
export async function startShippedServer(
  world: Pick<ShippedWorld, 'fakes' | 'internet'>,
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
export function registerCallbacks(server: TestServer, fakes: SeedFakes) {
  const publicUrl = server.app.deps.settings.publicUrl();
  fakes.kustomer.allowRedirectUri(`${publicUrl}/connect/oauth2/kustomer/callback`);
  fakes.salesforce.allowRedirectUri(`${publicUrl}/connect/oauth2/salesforce/callback`);
}
