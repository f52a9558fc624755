import { afterAll, beforeAll } from 'vitest';
import type { Timers } from '../../src/core/deps.js';
import { startTestServer, type TestServer } from './server.js';
import { createProfiles, type Fakes } from './linking.js';
import { startReceiver, type Receiver } from './receiver.js';
import type { Profiles } from './link-accounts.js';
import { setCurrentInternet, type Internet, type Route } from './internet.js';
import { startShippedWorld } from './shipped.js';

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
  /** The three seed connector profiles; on (with fakes) unless false. */
  profiles?: boolean | { salesforcePkce?: boolean };
  /**
   * Profiles with URL overrides (naming the providers' real hosts, where the fakes answer)
   * instead of the connectors as shipped. Only for tests of overrides themselves; say why at the
   * call.
   */
  overrides?: boolean;
  /** A webhook receiver (on loopback: the private-network switch is on for it). */
  receiver?: boolean;
  /**
   * More host names for the internet stand-in (a scripted upstream, a port nothing listens on),
   * made before it starts, for a profile whose URL override names one. Say why at the call.
   */
  routes?: () => Promise<Route[]>;
}

/** What a test file works against. Filled in by the time its tests run. */
export interface World {
  server: TestServer;
  fakes: Fakes;
  profiles: Profiles;
  receiver: Receiver;
  /**
   * The internet stand-in the fakes answer behind, at the providers' real host names (absent with
   * `fakes: false`). A browser takes its `chromiumArgs`.
   */
  internet: Internet;
}

/**
 * One server with its own database, the fake providers, the seed connector profiles and
 * (optionally) a webhook receiver, started before the file's tests and closed after them. The
 * connectors run as shipped: the seed providers are played by the generic fake provider from
 * their connector files and fixtures, at the providers' real host names through the server's
 * injected connection pool; the profiles carry no URL overrides and the private-network switch is
 * off (on only for a loopback webhook receiver).
 */
export function useWorld(opts: WorldOptions = {}): World {
  const world = {} as World;
  const shipped = opts.fakes !== false;
  beforeAll(async () => {
    let http: import('undici').Dispatcher | undefined;
    if (shipped) {
      const { fakes, internet } = await startShippedWorld({ routes: (await opts.routes?.()) ?? [] });
      world.fakes = fakes;
      world.internet = internet;
      http = internet.http;
    }
    world.server = await startTestServer(
      {
        ...(shipped && !opts.receiver ? { SWITCHBOARD_ALLOW_PRIVATE_NETWORK: '0' } : {}),
        ...opts.env,
      },
      {
        ...(opts.workers === false ? { workers: false } : {}),
        ...(opts.clock ? { clock: opts.clock } : {}),
        ...(opts.timers ? { timers: opts.timers } : {}),
        ...(http ? { http } : {}),
      },
    );
    if (world.fakes && opts.profiles !== false)
      world.profiles = await createProfiles(world.server, world.fakes, {
        ...(typeof opts.profiles === 'object' ? opts.profiles : {}),
        ...(opts.overrides ? { overrides: true } : {}),
      });
    if (opts.receiver) world.receiver = await startReceiver();
  });
  afterAll(async () => {
    await world.server?.close();
    await world.fakes?.close();
    if (world.internet) {
      setCurrentInternet(undefined);
      await world.internet.close();
    }
    await world.receiver?.close();
  });
  return world;
}
