import { createHash } from 'node:crypto';
import type { Deps, ProjectScope } from '../deps.js';
import { AppError, invalidInput } from '../errors.js';
import type { PatchProjectInput } from '../../contract/project.js';
import { accentProblem } from './contrast.js';
import { fetchLogo, type Logo } from './logo.js';

/** The text fields stored in `projects.branding`; the logo lives in its own columns. */
export interface StoredBranding {
  display_name?: string;
  logo_source_url?: string;
  accent_color?: string;
  support_email?: string;
  privacy_url?: string;
  terms_url?: string;
  consent_text?: string;
  show_powered_by?: boolean;
}

export interface ProjectBranding {
  id: string;
  name: string;
  branding: StoredBranding;
  /** The stored logo's hash (it names the URL we serve it from), or null. */
  logoSha256: string | null;
}

const TEXT_FIELDS = [
  'display_name',
  'accent_color',
  'support_email',
  'privacy_url',
  'terms_url',
  'consent_text',
] as const;

export async function readProjectBranding(deps: Deps, projectId: string): Promise<ProjectBranding> {
  const { rows } = await deps.db.query<{
    id: string;
    name: string;
    branding: StoredBranding;
    logo_sha256: string | null;
  }>('SELECT id, name, branding, logo_sha256 FROM projects WHERE id = $1', [projectId]);
  const row = rows[0];
  if (!row) throw new AppError('INTERNAL', 'The authenticated project does not exist');
  return { id: row.id, name: row.name, branding: row.branding, logoSha256: row.logo_sha256 };
}

/**
 * Applies a `PATCH /project`. Everything is checked (the colour's contrast, the logo fetched and
 * recognised) before anything is written, so a refused request changes nothing.
 */
export async function updateProjectBranding(
  deps: Deps,
  scope: ProjectScope,
  input: PatchProjectInput,
): Promise<ProjectBranding> {
  const current = await readProjectBranding(deps, scope.projectId);
  const next: StoredBranding = { ...current.branding };
  const patch = input.branding ?? {};
  if (patch.accent_color) {
    const problem = accentProblem(patch.accent_color);
    if (problem) throw invalidInput(problem, { field: 'branding.accent_color' });
  }
  for (const key of TEXT_FIELDS) {
    const value = patch[key];
    if (value === null) delete next[key];
    else if (value !== undefined) next[key] = value;
  }
  if (patch.show_powered_by !== undefined) next.show_powered_by = patch.show_powered_by;

  // undefined: logo unchanged; null: removed; a Logo: replaced.
  let logo: Logo | null | undefined;
  if (patch.logo_url === null) {
    logo = null;
    delete next.logo_source_url;
  } else if (patch.logo_url !== undefined) {
    logo = await fetchLogo(deps, patch.logo_url);
    next.logo_source_url = patch.logo_url;
  }

  const sha = logo ? createHash('sha256').update(logo.body).digest('hex') : null;
  await deps.db.query(
    `UPDATE projects SET name = COALESCE($2, name), branding = $3,
       logo_body = CASE WHEN $4 THEN $5 ELSE logo_body END,
       logo_type = CASE WHEN $4 THEN $6 ELSE logo_type END,
       logo_sha256 = CASE WHEN $4 THEN $7 ELSE logo_sha256 END
     WHERE id = $1`,
    [
      scope.projectId,
      input.name ?? null,
      JSON.stringify(next),
      logo !== undefined,
      logo?.body ?? null,
      logo?.type ?? null,
      sha,
    ],
  );
  return readProjectBranding(deps, scope.projectId);
}

/** The stored logo, when its hash matches (the URL names the hash, so a cached copy never goes stale). */
export async function readLogo(deps: Deps, projectId: string, sha256: string): Promise<Logo | null> {
  const { rows } = await deps.db.query<{ logo_body: Buffer; logo_type: string }>(
    'SELECT logo_body, logo_type FROM projects WHERE id = $1 AND logo_sha256 = $2 AND logo_body IS NOT NULL',
    [projectId, sha256],
  );
  return rows[0] ? { body: rows[0].logo_body, type: rows[0].logo_type } : null;
}
