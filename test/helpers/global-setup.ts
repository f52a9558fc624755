import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import pino from 'pino';
import type { TestProject } from 'vitest/node';
import { createPool } from '../../src/store/db.js';
import { startEmbeddedPostgres } from '../../src/store/embedded.js';
import { migrate } from '../../src/store/migrate.js';

declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
    /** A database with every migration applied; each test file's database is a copy of it. */
    templateDatabase: string;
  }
}

async function adminQuery(adminUrl: string, sql: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates and migrates the template once, so test files copy it instead of migrating. */
async function createTemplate(adminUrl: string): Promise<{ name: string; drop: () => Promise<void> }> {
  const name = `sbtemplate_${randomBytes(6).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = createPool(url.toString(), 1);
  try {
    await migrate(db);
  } finally {
    await db.end();
  }
  return { name, drop: () => adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/**
 * One PostgreSQL for the whole run: the machine's (TEST_DATABASE_URL) when given, otherwise an
 * embedded one in a temp dir. Each test file then creates a fresh database in it, copied from
 * a template migrated once here.
 */
export default async function setup(project: TestProject) {
  // The servers tests start as child processes run the compiled server, as `npm start` does:
  // bring dist/server/ up to date first (incremental; a second or two when it is current).
  const build = promisify(execFile)(process.execPath, [
    fileURLToPath(new URL('../../scripts/build-server.js', import.meta.url)),
  ]);
  try {
    return await startDatabase(project);
  } finally {
    await build;
  }
}

async function startDatabase(project: TestProject) {
  const external = process.env.TEST_DATABASE_URL;
  if (external) {
    const template = await createTemplate(external);
    project.provide('adminDatabaseUrl', external);
    project.provide('templateDatabase', template.name);
    return () => template.drop();
  }
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'switchboard-test-'));
  const embedded = await startEmbeddedPostgres(dir, pino({ level: 'silent' }));
  const template = await createTemplate(embedded.url());
  project.provide('adminDatabaseUrl', embedded.url());
  project.provide('templateDatabase', template.name);
  return async () => {
    await embedded.stop();
    await fs.rm(dir, { recursive: true, force: true });
  };
}
