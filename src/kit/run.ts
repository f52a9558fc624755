// `switchboard connectors test <key>`: the contract checks of one connector outside vitest, on a
// server of their own (its own database: DATABASE_URL if set, else an embedded PostgreSQL in a
// temporary directory) whose outbound calls reach the generic fake provider.
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { Dispatcher } from 'undici';
import { startApp } from '../app.js';
import { loadConfig } from '../config/config.js';
import { BUILTIN_CONNECTORS_DIR, loadConnectors } from '../connectors/loader.js';
import { generateApiKey } from '../core/projects/api-keys.js';
import { generateKeySpec } from '../core/vault.js';
import {
  type CheckResult,
  type ContractServer,
  contractChecks,
  runChecks,
  startContractWorld,
} from './contract.js';
import { fixturePath, loadFixture } from './fixture.js';

export interface ConnectorTestOptions {
  /** A connectors directory whose files add to or replace the built-in ones (and hold `fixtures/`). */
  dir?: string | undefined;
  /** The environment to read DATABASE_URL from. */
  env?: NodeJS.ProcessEnv;
  /** Where each line goes. */
  print?: (line: string) => void;
}

export interface ConnectorTestReport {
  results: CheckResult[];
  ok: boolean;
  ms: number;
}

/** The connector's fixture: in the given directory's `fixtures/`, else the built-in one. */
async function findFixture(key: string, dir: string | undefined): Promise<string> {
  const candidates = [...(dir ? [fixturePath(dir, key)] : []), fixturePath(BUILTIN_CONNECTORS_DIR, key)];
  for (const file of candidates) {
    if (
      await access(file).then(
        () => true,
        () => false,
      )
    )
      return file;
  }
  throw new Error(`no fixture for ${key}: write ${candidates[0]}`);
}

/** A server of the command's own: the given database, or an embedded one in a temporary directory. */
function serverStarter(env: NodeJS.ProcessEnv, dir: string | undefined, dataDir: string) {
  return async (http: Dispatcher): Promise<ContractServer & { close(): Promise<void> }> => {
    const apiKey = generateApiKey();
    const config = loadConfig(['--port', '0', '--host', '127.0.0.1'], {
      SWITCHBOARD_DATA_DIR: dataDir,
      SWITCHBOARD_API_KEY: apiKey,
      SWITCHBOARD_ENCRYPTION_KEYS: generateKeySpec('contract'),
      SWITCHBOARD_ALLOW_PRIVATE_NETWORK: '0',
      LOG_LEVEL: 'silent',
      ...(env.DATABASE_URL ? { DATABASE_URL: env.DATABASE_URL } : {}),
      ...(dir ? { SWITCHBOARD_CONNECTORS_DIR: dir } : {}),
    });
    const app = await startApp(config, { http, workers: false, log: pino({ level: 'silent' }) });
    return { url: app.url, apiKey, app, close: () => app.close() };
  };
}

/** Runs one connector's contract checks; prints a line per check and the time taken. */
export async function testConnector(
  key: string,
  opts: ConnectorTestOptions = {},
): Promise<ConnectorTestReport> {
  const print = opts.print ?? ((line: string) => console.log(line));
  const started = performance.now();
  const dir = opts.dir ? path.resolve(opts.dir) : undefined;
  const connector = (await loadConnectors(dir)).get(key);
  if (!connector) throw new Error(`no connector "${key}"${dir ? ` (built-in or in ${dir})` : ''}`);
  const fixture = await loadFixture(await findFixture(key, dir));
  const dataDir = await mkdtemp(path.join(tmpdir(), 'switchboard-contract-'));
  try {
    const world = await startContractWorld(
      connector,
      fixture,
      serverStarter(opts.env ?? process.env, dir, dataDir),
    );
    let results: CheckResult[];
    try {
      results = await runChecks(world, contractChecks(connector, fixture), (r) =>
        print(
          r.ok
            ? `✓ ${r.name} (${Math.round(r.ms)} ms)`
            : `✗ ${r.name} (${Math.round(r.ms)} ms)\n    ${r.reason}`,
        ),
      );
    } finally {
      await world.close();
    }
    const ms = performance.now() - started;
    const passed = results.filter((r) => r.ok).length;
    print(`${passed} of ${results.length} checks passed for ${key} in ${(ms / 1000).toFixed(1)} s`);
    return { results, ok: passed === results.length, ms };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
