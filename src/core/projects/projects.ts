import type { Db, Queryable } from '../../store/db.js';
import { transaction } from '../../store/db.js';
import { addApiKey, authenticateApiKey, generateApiKey } from './api-keys.js';
import { newId } from '../ids.js';
import type { ProjectScope } from '../deps.js';

export interface BootstrapResult {
  project: ProjectScope;
  /** Set only when this start generated the default project's first API key. */
  generatedApiKey: string | undefined;
}

/** Where a new project goes: an existing organization, or a new one with this name. */
export type ProjectOrganization = { id: number } | { name: string };

/**
 * Creates a project. Without `organization` it gets an organization of its own named after it;
 * the CLI passes the default project's organization unless told otherwise.
 */
export async function createProject(
  db: Db,
  name: string,
  organization: ProjectOrganization = { name },
): Promise<ProjectScope> {
  return transaction(db, async (tx) => {
    let organizationId: number;
    if ('id' in organization) {
      const found = await tx.query<{ id: number }>('SELECT id FROM organizations WHERE id = $1', [
        organization.id,
      ]);
      if (!found.rows[0]) throw new UnknownOrganizationError(organization.id);
      organizationId = found.rows[0].id;
    } else {
      const org = await tx.query<{ id: number }>(
        'INSERT INTO organizations (name) VALUES ($1) RETURNING id',
        [organization.name],
      );
      organizationId = org.rows[0]!.id;
    }
    const projectId = newId('proj', 9);
    await tx.query('INSERT INTO projects (id, organization_id, name) VALUES ($1, $2, $3)', [
      projectId,
      organizationId,
      name,
    ]);
    return { projectId, organizationId };
  });
}

export class UnknownOrganizationError extends Error {
  constructor(readonly organizationId: number) {
    super(`no organization ${organizationId}`);
  }
}

export interface ProjectSummary {
  id: string;
  name: string;
  organizationId: number;
  organizationName: string;
  isDefault: boolean;
  activeKeys: number;
  createdAt: Date;
}

/** Every project, the default first, with how many unrevoked API keys it has. */
export async function listProjects(db: Queryable): Promise<ProjectSummary[]> {
  const { rows } = await db.query<{
    id: string;
    name: string;
    organization_id: number;
    organization_name: string;
    is_default: boolean;
    active_keys: number;
    created_at: Date;
  }>(
    `SELECT p.id, p.name, p.organization_id, o.name AS organization_name, p.is_default, p.created_at,
            (SELECT count(*)::int FROM api_keys k WHERE k.project_id = p.id AND k.revoked_at IS NULL) AS active_keys
       FROM projects p JOIN organizations o ON o.id = p.organization_id
      ORDER BY p.is_default DESC, p.created_at, p.id`,
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    organizationId: r.organization_id,
    organizationName: r.organization_name,
    isDefault: r.is_default,
    activeKeys: r.active_keys,
    createdAt: r.created_at,
  }));
}

/** A project by id, or the default project when no id is given; null when there is none. */
export async function findProject(db: Queryable, id?: string): Promise<ProjectScope | null> {
  const { rows } = await db.query<{ id: string; organization_id: number }>(
    id === undefined
      ? 'SELECT id, organization_id FROM projects WHERE is_default'
      : 'SELECT id, organization_id FROM projects WHERE id = $1',
    id === undefined ? [] : [id],
  );
  return rows[0] ? { projectId: rows[0].id, organizationId: rows[0].organization_id } : null;
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
      await tx.query<{ id: string; organization_id: number }>(
        'SELECT id, organization_id FROM projects WHERE is_default',
      )
    ).rows[0];
    if (!row) {
      const org = await tx.query<{ id: number }>(
        "INSERT INTO organizations (name) VALUES ('Default organization') RETURNING id",
      );
      const id = newId('proj', 9);
      await tx.query(
        "INSERT INTO projects (id, organization_id, name, is_default) VALUES ($1, $2, 'Default project', true)",
        [id, org.rows[0]!.id],
      );
      row = { id, organization_id: org.rows[0]!.id };
    }
    const project = { projectId: row.id, organizationId: row.organization_id };
    let generatedApiKey: string | undefined;
    if (configuredKey) {
      const owner = await authenticateApiKey(tx, configuredKey);
      if (!owner) await addApiKey(tx, project.projectId, configuredKey, 'SWITCHBOARD_API_KEY');
    } else {
      const { rows } = await tx.query(
        'SELECT 1 FROM api_keys WHERE project_id = $1 AND revoked_at IS NULL LIMIT 1',
        [project.projectId],
      );
      if (rows.length === 0) {
        generatedApiKey = generateApiKey();
        await addApiKey(tx, project.projectId, generatedApiKey, 'generated at first start');
      }
    }
    return { project, generatedApiKey };
  });
}
