import pino from 'pino';
import { loadConfig } from '../../src/config/config.js';
import { startApp, type RunningApp } from '../../src/app.js';
import { generateKeySpec } from '../../src/core/vault.js';
import { generateApiKey } from '../../src/core/projects/api-keys.js';
import { freshDatabase } from './database.js';

export interface TestServer {
  url: string;
  apiKey: string;
  app: RunningApp;
  databaseUrl: string;
  close(): Promise<void>;
}

/** A real server on 127.0.0.1 with its own fresh database, private network allowed (fakes live on loopback). */
export async function startTestServer(
  env: Record<string, string> = {},
  opts: {
    clock?: () => Date;
    timers?: import('../../src/core/deps.js').Timers;
    workers?: boolean;
    databaseUrl?: string;
    log?: import('pino').Logger;
    http?: import('undici').Dispatcher;
  } = {},
): Promise<TestServer> {
  // A second server on an existing database (multi-process tests) does not own or drop it.
  const database = opts.databaseUrl
    ? { url: opts.databaseUrl, drop: async () => undefined }
    : await freshDatabase();
  const apiKey = generateApiKey();
  const config = loadConfig(['--port', '0', '--host', '127.0.0.1'], {
    DATABASE_URL: database.url,
    SWITCHBOARD_API_KEY: apiKey,
    SWITCHBOARD_ENCRYPTION_KEYS: generateKeySpec('test1'),
    SWITCHBOARD_ALLOW_PRIVATE_NETWORK: '1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...env,
  });
  const app = await startApp(config, {
    log: opts.log ?? pino({ level: config.logLevel }),
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.timers ? { timers: opts.timers } : {}),
    ...(opts.workers === false ? { workers: false } : {}),
    ...(opts.http ? { http: opts.http } : {}),
  });
  return {
    url: app.url,
    apiKey,
    app,
    databaseUrl: database.url,
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}

/** Fetch with the API key as HTTP Basic username. */
export function api(server: TestServer, key = server.apiKey) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(server.url + path, {
      method,
      headers: {
        authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json: json as any }; // eslint-disable-line -- test convenience: bodies are asserted field by field
  };
}
