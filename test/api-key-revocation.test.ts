import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from './helpers/server.js';
import { addApiKey, generateApiKey, listApiKeys, revokeApiKey } from '../src/core/projects/api-keys.js';
import { createProject, findProject, listProjects } from '../src/core/projects/projects.js';
import { hotCache } from '../src/core/provider-calls/hot-cache.js';

let server: TestServer;
/** Another process's connection (the CLI's): not the server's pool. */
let other: pg.Pool;
beforeAll(async () => {
  server = await startTestServer({}, { workers: false });
  other = new pg.Pool({ connectionString: server.databaseUrl, max: 1 });
});
afterAll(async () => {
  await other?.end();
  await server?.close();
});

describe('API key revocation', () => {
  it("a revoke committed by another connection evicts the key from the running server's cache", async () => {
    const defaultProject = (await findProject(server.app.deps.db))!;
    const project = await createProject(server.app.deps.db, 'Tenant B', {
      id: defaultProject.organizationId,
    });
    expect(project.organizationId).toBe(defaultProject.organizationId);
    const key = generateApiKey();
    const keyId = await addApiKey(server.app.deps.db, project.projectId, key, 'b');
    expect((await api(server, key)('GET', '/accounts')).status).toBe(200);
    const cache = hotCache(server.app.deps);
    await cache.sync();
    expect((await api(server, key)('GET', '/accounts')).status).toBe(200);
    expect(cache.cachedApiKey(key)).toEqual({
      projectId: project.projectId,
      organizationId: project.organizationId,
    });

    const result = await revokeApiKey(other, keyId);
    expect(result).toMatchObject({
      outcome: 'revoked',
      key: { id: keyId, projectId: project.projectId },
      activeKeysLeft: 0,
    });
    await cache.sync();
    expect(cache.cachedApiKey(key)).toBeUndefined();
    expect((await api(server, key)('GET', '/accounts')).status).toBe(401);
    expect((await api(server)('GET', '/accounts')).status).toBe(200);
  });

  it('is project-aware and tells unknown, foreign and already revoked keys apart', async () => {
    const a = (await findProject(server.app.deps.db))!;
    const b = await createProject(server.app.deps.db, 'Tenant C');
    const keyId = await addApiKey(server.app.deps.db, b.projectId, generateApiKey(), 'c');
    expect(await revokeApiKey(other, 'key_missing')).toEqual({ outcome: 'unknown' });
    expect(await revokeApiKey(other, keyId, { projectId: a.projectId })).toMatchObject({
      outcome: 'other_project',
      key: { projectId: b.projectId, revokedAt: null },
    });
    expect((await listApiKeys(other, b.projectId)).map((k) => [k.id, k.revokedAt])).toEqual([[keyId, null]]);
    expect(await revokeApiKey(other, keyId, { projectId: b.projectId })).toMatchObject({
      outcome: 'revoked',
    });
    expect(await revokeApiKey(other, keyId)).toMatchObject({
      outcome: 'already_revoked',
      key: { revokedAt: expect.any(Date) },
    });
    const listed = await listProjects(other);
    expect(listed[0]).toMatchObject({ id: a.projectId, isDefault: true, activeKeys: 1 });
    expect(listed.find((p) => p.id === b.projectId)).toMatchObject({
      name: 'Tenant C',
      isDefault: false,
      activeKeys: 0,
      organizationName: 'Tenant C',
    });
  });
});
