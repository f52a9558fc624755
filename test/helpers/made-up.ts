import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Timers } from '../../src/core/deps.js';
import { cookieJar } from './cookie-jar.js';
import { drivePopup } from './link-accounts.js';
import { startInternet, type Internet, type Route } from './internet.js';
import { startTestServer, type TestServer } from './server.js';

/** A browser whose provider names reach the fakes through the internet stand-in. */
export type Browser = ReturnType<typeof cookieJar>;

export interface MadeUpWorld {
  server: TestServer;
  internet: Internet;
  /** The OAuth popup's browser: the same name mapping as the server's. */
  browser: Browser;
  close(): Promise<void>;
}

export interface MadeUpOptions {
  /** Connector files by key, written to a directory the server loads. */
  connectors: Record<string, unknown>;
  /** The connectors' own hosts, each routed to a loopback fake, with the paths it serves. */
  routes: Route[];
  workers?: boolean;
  clock?: () => Date;
  timers?: Timers;
}

/**
 * Made-up connectors run as shipped: their files loaded from a directory, their hosts answered
 * by loopback fakes behind the internet stand-in, the private-network switch off and no URL
 * overrides on the profiles the test creates.
 */
export async function startMadeUpWorld(opts: MadeUpOptions): Promise<MadeUpWorld> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'made-up-'));
  for (const [key, connector] of Object.entries(opts.connectors))
    await fs.writeFile(path.join(dir, `${key}.json`), JSON.stringify(connector));
  const internet = await startInternet(opts.routes);
  const server = await startTestServer(
    { SWITCHBOARD_CONNECTORS_DIR: dir, SWITCHBOARD_ALLOW_PRIVATE_NETWORK: '0' },
    {
      http: internet.http,
      ...(opts.workers === false ? { workers: false } : {}),
      ...(opts.clock ? { clock: opts.clock } : {}),
      ...(opts.timers ? { timers: opts.timers } : {}),
    },
  );
  return {
    server,
    internet,
    browser: cookieJar(internet.http),
    close: async () => {
      await server.close();
      await internet.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/** Drives the OAuth popup in this browser (see `drivePopup`). */
export const drivePopupIn = (browser: Browser, url: string, maxHops = 8) => drivePopup(url, maxHops, browser);

/** The loopback port of a fake started with `startUpstream` (its `url` is `http://127.0.0.1:<port>`). */
export const portOf = (fake: { url: string }): number => Number(new URL(fake.url).port);
