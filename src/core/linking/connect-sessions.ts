import type { z } from 'zod';
import type { Deps, ProjectScope } from '../deps.js';
import { AppError, invalidInput } from '../errors.js';
import { hashToken, newToken } from '../ids.js';
import type { connectSession, CreateSessionInput } from '../../contract/connect-sessions.js';
import type { Queryable } from '../../store/db.js';

export const DEFAULT_SESSION_TTL_S = 1800;

export interface SessionRow {
  id: number;
  project_id: string;
  organization_id: number;
  origin_owner_id: string;
  origin_owner_name: string;
  origin_username: string | null;
  account_id: string | null;
  provider: string | null;
  provider_version: string | null;
  categories: string[] | null;
  label: string | null;
  metadata: Record<string, unknown> | null;
  multiple: boolean;
  type: string;
  external_trigger_token: string | null;
  /** Ours: the Hub's language, when the company chose one. */
  locale: string | null;
  expires_at: Date;
  created_at: Date;
}

export function sessionToWire(s: SessionRow): z.input<typeof connectSession> {
  return {
    id: s.id,
    organization_id: s.organization_id,
    project_id: s.project_id,
    origin_owner_id: s.origin_owner_id,
    origin_owner_name: s.origin_owner_name,
    origin_username: s.origin_username,
    account_id: s.account_id,
    provider: s.provider,
    provider_version: s.provider_version,
    categories: s.categories,
    label: s.label,
    metadata: s.metadata ?? {},
    multiple: s.multiple,
    type: s.type,
    external_trigger_token: s.external_trigger_token,
    created_at: s.created_at.toISOString(),
    expires_at: s.expires_at.toISOString(),
  };
}

const SELECT = `SELECT s.*, p.organization_id FROM connect_sessions s JOIN projects p ON p.id = s.project_id`;

/**
 * Mints a connect session. The token is 256 bits from the CSPRNG, URL-safe (the Hub puts it in
 * URLs unencoded) and stored only as its SHA-256.
 */
export async function createConnectSession(deps: Deps, scope: ProjectScope, input: CreateSessionInput) {
  const connector = input.provider ? deps.connectors.get(input.provider) : undefined;
  if (input.provider && !connector) {
    throw invalidInput(`provider: unknown provider "${input.provider}"`, { field: 'provider' });
  }
  // A provider outside every requested category can never be listed by the Hub: the link would
  // open on an empty list. Refused here, where the admin can fix it. Categories alone, or a
  // provider without a profile yet, stay accepted: profiles may be set up after the link is made.
  const categories = input.categories ?? [];
  if (connector && categories.length && !connector.categories.some((c) => categories.includes(c))) {
    throw invalidInput(
      `No active connector profile matches provider ${connector.key} with categories [${categories.join(', ')}]: ${connector.key} is in ${connector.categories.join(', ')}`,
      { field: 'categories' },
    );
  }
  if (input.account_id) {
    const { rows } = await deps.db.query<{ provider: string }>(
      'SELECT provider FROM accounts WHERE project_id = $1 AND id = $2',
      [scope.projectId, input.account_id],
    );
    if (!rows[0]) throw new AppError('ACCOUNT_NOT_FOUND', 'Account not found');
    if (input.provider && rows[0].provider !== input.provider) {
      throw invalidInput('provider does not match the account being edited', { field: 'provider' });
    }
  }
  const token = newToken();
  const now = deps.clock();
  const expiresAt = new Date(now.getTime() + (input.expires_in ?? DEFAULT_SESSION_TTL_S) * 1000);
  const { rows } = await deps.db.query<{ id: number }>(
    `INSERT INTO connect_sessions (project_id, token_hash, origin_owner_id, origin_owner_name, origin_username, account_id,
       provider, provider_version, categories, label, metadata, multiple, type, expires_at, created_at, locale)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16) RETURNING id`,
    [
      scope.projectId,
      hashToken(token),
      input.origin_owner_id,
      input.origin_owner_name,
      input.origin_username ?? null,
      input.account_id ?? null,
      input.provider ?? null,
      input.provider_version ?? null,
      input.categories?.length ? input.categories : null,
      input.label ?? null,
      input.metadata ?? null,
      input.multiple ?? false,
      input.type ?? 'production',
      expiresAt,
      now,
      input.locale ?? null,
    ],
  );
  const session = await getSessionById(deps.db, rows[0]!.id);
  return { session, token, authLinkUrl: `${deps.settings.publicUrl()}/embedded/integrations?token=${token}` };
}

async function getSessionById(db: Queryable, id: number): Promise<SessionRow> {
  const { rows } = await db.query<SessionRow>(`${SELECT} WHERE s.id = $1`, [id]);
  return rows[0]!;
}

/** Resolves a session token; unknown, malformed or expired tokens are all the same 401. */
export async function authenticateSessionToken(
  deps: Deps,
  token: unknown,
  db: Queryable = deps.db,
): Promise<SessionRow> {
  if (typeof token !== 'string' || token.length < 20 || token.length > 256)
    throw new AppError('SESSION_TOKEN_INVALID', 'Invalid or expired session token');
  const { rows } = await db.query<SessionRow>(`${SELECT} WHERE s.token_hash = $1`, [hashToken(token)]);
  const session = rows[0];
  if (!session || session.expires_at.getTime() <= deps.clock().getTime())
    throw new AppError('SESSION_TOKEN_INVALID', 'Invalid or expired session token');
  return session;
}
