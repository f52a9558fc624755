import type { Db } from '../store/db.js';
import { transaction } from '../store/db.js';
import { addApiKey, authenticateApiKey, generateApiKey } from './api-keys.js';
import { newId } from './ids.js';
import type { ProjectScope } from './deps.js';

export interface BootstrapResult {
  project: ProjectScope;
  /** Set only when this start generated the default project's first API key. */
  generatedApiKey: string | undefined;
}

export async function createProject(db: Db, name: string, organizationName = name): Promise<ProjectScope> {
  return transaction(db, async (tx) => {
    const org = await tx.query<{ id: number }>('INSERT INTO organizations (name) VALUES ($1) RETURNING id', [organizationName]);
    const projectId = newId('proj', 9);
    await tx.query('INSERT INTO projects (id, organization_id, name) VALUES ($1, $2, $3)', [projectId, org.rows[0]!.id, name]);
    return { projectId, organizationId: org.rows[0]!.id };
  });
}

/**
 * Makes sure a default organization and project exist, and that the project has an API key:
 * `SWITCHBOARD_API_KEY` when given, otherwise one generated on first start (returned once).
 */
export async function bootstrap(db: Db, configuredKey: string | undefined): Promise<BootstrapResult> {
  return transaction(db, async (tx) => {
    // Two processes starting together on one database must create one default project.
    await tx.query('SELECT pg_advisory_xact_lock(4242002)');
    let row = (
      await tx.query<{ id: string; organization_id: number }>('SELECT id, organization_id FROM projects WHERE is_default')
    ).rows[0];
    if (!row) {
      const org = await tx.query<{ id: number }>("INSERT INTO organizations (name) VALUES ('Default organization') RETURNING id");
      const id = newId('proj', 9);
      await tx.query("INSERT INTO projects (id, organization_id, name, is_default) VALUES ($1, $2, 'Default project', true)", [
        id,
        org.rows[0]!.id,
      ]);
      row = { id, organization_id: org.rows[0]!.id };
    }
    const project = { projectId: row.id, organizationId: row.organization_id };
    let generatedApiKey: string | undefined;
    if (configuredKey) {
      const owner = await authenticateApiKey(tx, configuredKey);
      if (!owner) await addApiKey(tx, project.projectId, configuredKey, 'SWITCHBOARD_API_KEY');
    } else {
      const { rows } = await tx.query('SELECT 1 FROM api_keys WHERE project_id = $1 AND revoked_at IS NULL LIMIT 1', [project.projectId]);
      if (rows.length === 0) {
        generatedApiKey = generateApiKey();
        await addApiKey(tx, project.projectId, generatedApiKey, 'generated at first start');
      }
    }
    return { project, generatedApiKey };
  });
}
