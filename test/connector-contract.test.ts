// The contract of every built-in connector, against the generic fake provider at the provider's
// real host names (src/kit). A built-in connector without a fixture fails here: a new connector
// ships with `connectors/fixtures/<key>.json`.
import { access } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_CONNECTORS_DIR, loadConnectors } from '../src/connectors/loader.js';
import type { Connector } from '../src/connectors/schema.js';
import { contractChecks, type ContractWorld, startContractWorld } from '../src/kit/contract.js';
import { type Fixture, fixturePath, loadFixture } from '../src/kit/fixture.js';
import { startTestServer } from './helpers/server.js';

const registry = await loadConnectors();
const builtIn = registry.list().map((c): [string, Connector] => [c.key, c]);

/** Each built-in connector's fixture, or null when it has none (which fails below). */
const fixtureOf = async (key: string): Promise<Fixture | null> => {
  const file = fixturePath(BUILTIN_CONNECTORS_DIR, key);
  const exists = await access(file).then(
    () => true,
    () => false,
  );
  return exists ? loadFixture(file) : null;
};
const fixtures = new Map(await Promise.all(builtIn.map(async ([k]) => [k, await fixtureOf(k)] as const)));

describe('connector kit', () => {
  it('knows the three seed connectors', () => {
    expect(builtIn.map(([k]) => k)).toEqual(expect.arrayContaining(['kustomer', 'oneflow', 'salesforce']));
  });

  it.each(builtIn.map(([k]) => k))('%s has a fixture in connectors/fixtures/', (key) => {
    expect(fixtures.get(key), `connectors/fixtures/${key}.json is missing`).toBeTruthy();
  });
});

describe.each(builtIn.filter(([k]) => fixtures.get(k)))('contract: %s', (key, connector) => {
  const fixture = fixtures.get(key)!;
  let world: (ContractWorld & { close(): Promise<void> }) | undefined;
  beforeAll(async () => {
    world = await startContractWorld(connector, fixture, (http) =>
      startTestServer({ SWITCHBOARD_ALLOW_PRIVATE_NETWORK: '0' }, { http, workers: false }),
    );
  });
  afterAll(async () => {
    await world?.close();
  });

  it.each(contractChecks(connector, fixture).map((c) => [c.name, c] as const))('%s', async (_name, check) => {
    await check.run(world!);
  });
});
