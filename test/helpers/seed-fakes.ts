// The three seed providers, each played by the generic fake provider from its shipped connector
// file and fixture (connectors/fixtures/<key>.json), at its real host names. Every world gets its
// own copy of each fixture: a test may change records, page sizes or token fields on
// `fake.fixture` and the next answer shows it.
import { BUILTIN_CONNECTORS_DIR, loadConnectors } from '../../src/connectors/loader.js';
import {
  type FakeProvider,
  type FakeProviderOptions,
  startFakeProvider,
} from '../../src/kit/fake-provider.js';
import { fixturePath, loadFixture } from '../../src/kit/fixture.js';
import type { Route } from './internet.js';

export type { FakeProvider } from '../../src/kit/fake-provider.js';

/** The org every seed world links: its API hosts are `acme.*`. */
export const ORG = 'acme';
/** Another My Domain a Salesforce token may name after the org moves (the fake's API answers there too). */
export const SALESFORCE_MOVED = `${ORG}2.my.salesforce.com`;

export interface SeedFakes {
  kustomer: FakeProvider;
  salesforce: FakeProvider;
  oneflow: FakeProvider;
  /** The routes of all three, for the internet stand-in. */
  routes: Route[];
  close(): Promise<void>;
}

async function start(key: string, opts: FakeProviderOptions = {}): Promise<FakeProvider> {
  const connector = (await loadConnectors()).get(key);
  if (!connector) throw new Error(`no shipped connector ${key}`);
  const fixture = await loadFixture(fixturePath(BUILTIN_CONNECTORS_DIR, key));
  return startFakeProvider(connector, fixture, opts);
}

export async function startSeedFakes(): Promise<SeedFakes> {
  const [kustomer, salesforce, oneflow] = await Promise.all([
    start('kustomer'),
    start('salesforce', { apiHosts: [SALESFORCE_MOVED] }),
    start('oneflow'),
  ]);
  return {
    kustomer,
    salesforce,
    oneflow,
    routes: [...kustomer.routes, ...salesforce.routes, ...oneflow.routes],
    close: async () => {
      await Promise.all([kustomer.close(), salesforce.close(), oneflow.close()]);
    },
  };
}

/** A request the fake recorded, by what the test looks for. */
export const calls = (fake: FakeProvider, path: string, method?: string) =>
  fake.requests.filter((r) => r.path === path && (!method || r.method === method));

/** The My Domain of the org's Salesforce sandbox. */
export const SALESFORCE_SANDBOX = `${ORG}--sandbox.sandbox.my.salesforce.com`;

/**
 * The org's Salesforce sandbox, played by another generic fake from the same fixture with its
 * `environment: 'sandbox'`: sign-in and tokens at test.salesforce.com, the API at the sandbox's My
 * Domain, the identity URL at test.salesforce.com. Add its routes to the internet stand-in.
 */
export async function startSalesforceSandbox(): Promise<FakeProvider> {
  const connector = (await loadConnectors()).get('salesforce');
  if (!connector) throw new Error('no shipped connector salesforce');
  const fixture = await loadFixture(fixturePath(BUILTIN_CONNECTORS_DIR, 'salesforce'));
  const login = (u: string) => u.replace('https://login.salesforce.com', 'https://test.salesforce.com');
  fixture.environment = 'sandbox';
  fixture.token.fields.instance_url = `https://${SALESFORCE_SANDBOX}`;
  fixture.token.fields.id = login(String(fixture.token.fields.id));
  fixture.routes = fixture.routes.map((r) =>
    r.host === 'login.salesforce.com' ? { ...r, host: 'test.salesforce.com' } : r,
  );
  return startFakeProvider(connector, fixture);
}
