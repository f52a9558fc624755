import { afterAll, beforeAll } from 'vitest';
import type { Timers } from '../../src/core/deps.js';
import { startTestServer, type TestServer } from './server.js';
import { createProfiles, startFakes, type Fakes } from './linking.js';
import { startReceiver, type Receiver } from './receiver.js';
import type { Profiles } from './link-accounts.js';

export { link, type Provider } from './link-accounts.js';

export interface WorldOptions {
  /** Extra environment for the server's config. */
  env?: Record<string, string>;
  /** Background workers (refresh, webhooks, housekeeping); on unless false. */
  workers?: boolean;
  clock?: () => Date;
  timers?: Timers;
  /** The three fake providers; on unless false. */
  fakes?: boolean;
  /** Connector profiles pointing at the fakes; on (with fakes) unless false. */
  profiles?: boolean | { salesforcePkce?: boolean };
  /** A webhook receiver. */
  receiver?: boolean;
}

/** What a test file works against. Filled in by the time its tests run. */
export interface World {
  server: TestServer;
  fakes: Fakes;
  profiles: Profiles;
  receiver: Receiver;
}

/**
 * One server with its own database, the fake providers, connector profiles pointing at them and
 * (optionally) a webhook receiver, started before the file's tests and closed after them.
 */
export function useWorld(opts: WorldOptions = {}): World {
  const world = {} as World;
  beforeAll(async () => {
    world.server = await startTestServer(opts.env ?? {}, {
      ...(opts.workers === false ? { workers: false } : {}),
      ...(opts.clock ? { clock: opts.clock } : {}),
      ...(opts.timers ? { timers: opts.timers } : {}),
    });
    if (opts.fakes !== false) {
      world.fakes = await startFakes();
      if (opts.profiles !== false)
        world.profiles = await createProfiles(
          world.server,
          world.fakes,
          typeof opts.profiles === 'object' ? opts.profiles : {},
        );
    }
    if (opts.receiver) world.receiver = await startReceiver();
  });
  afterAll(async () => {
    await world.server?.close();
    await world.fakes?.close();
    await world.receiver?.close();
  });
  return world;
}
