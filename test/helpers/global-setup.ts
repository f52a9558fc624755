import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../src/store/embedded.js';

declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
  }
}

/**
 * One PostgreSQL for the whole run: the machine's (TEST_DATABASE_URL) when given, otherwise an
 * embedded one in a temp dir. Each test file then creates a fresh database in it.
 */
export default async function setup(project: TestProject) {
  const external = process.env.TEST_DATABASE_URL;
  if (external) {
    project.provide('adminDatabaseUrl', external);
    return;
  }
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'switchboard-test-'));
  const pg = await startEmbeddedPostgres(dir, pino({ level: 'silent' }));
  project.provide('adminDatabaseUrl', pg.url());
  return async () => {
    await pg.stop();
    await fs.rm(dir, { recursive: true, force: true });
  };
}
