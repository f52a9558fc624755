// The contract checks over made-up connectors that use every connector feature the generic fake
// provider plays (test/fixtures/kit/: connector files, their fixtures in fixtures/): each paging
// style, HTTP Basic credentials, fixed headers.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConnectors } from '../src/connectors/loader.js';
import { contractChecks, type ContractWorld, startContractWorld } from '../src/kit/contract.js';
import { fixturePath, loadFixture } from '../src/kit/fixture.js';
import { startTestServer } from './helpers/server.js';

const KIT_DIR = path.join(import.meta.dirname, 'fixtures', 'kit');
const registry = await loadConnectors(KIT_DIR);
const MADE_UP = ['examplepager', 'exampleauth', 'examplemachine'];
const fixtures = new Map(
  await Promise.all(MADE_UP.map(async (k) => [k, await loadFixture(fixturePath(KIT_DIR, k))] as const)),
);

describe.each(MADE_UP)('kit features: %s', (key) => {
  const connector = registry.get(key)!;
  const fixture = fixtures.get(key)!;
  let world: (ContractWorld & { close(): Promise<void> }) | undefined;
  beforeAll(async () => {
    world = await startContractWorld(connector, fixture, (http) =>
      startTestServer(
        { SWITCHBOARD_ALLOW_PRIVATE_NETWORK: '0', SWITCHBOARD_CONNECTORS_DIR: KIT_DIR },
        { http, workers: false },
      ),
    );
  });
  afterAll(async () => {
    await world?.close();
  });

  it('is a made-up connector on .test hosts', () => {
    expect(connector.hosts.every((h) => h.endsWith('.test'))).toBe(true);
  });

  it.each(contractChecks(connector, fixture).map((c) => [c.name, c] as const))('%s', async (_name, check) => {
    await check.run(world!);
  });
});
