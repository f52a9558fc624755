import type { Deps, ProjectScope } from '../deps.js';
import { AppError, invalidInput } from '../errors.js';
import { newId } from '../ids.js';
import { emitAccountEvent } from '../webhooks/events.js';
import { nextCheckAt, nextRefreshAt } from '../credentials/schedule.js';
import { revokeTokens } from '../credentials/revoke.js';
import type { AccountRow } from './row.js';
import { transaction, type Queryable } from '../../store/db.js';
import type { ListAccountsQuery, PatchAccountInput } from '../../contract/accounts.js';

export async function listAccounts(
  deps: Deps,
  scope: ProjectScope,
  q: ListAccountsQuery,
): Promise<AccountRow[]> {
  const where = ['project_id = $1'];
  const params: unknown[] = [scope.projectId];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('$?', `$${params.length}`));
  };
  if (q.account_ids?.length) add('id = ANY($?)', q.account_ids);
  const owners = [...(q.origin_owner_ids ?? []), ...(q.origin_owner_id ? [q.origin_owner_id] : [])];
  if (owners.length) add('origin_owner_id = ANY($?)', owners);
  const providers = [...(q.providers ?? []), ...(q.provider ? [q.provider] : [])];
  if (providers.length) add('provider = ANY($?)', providers);
  if (q.status?.length) add('status = ANY($?)', q.status);
  const page = Math.max(1, q.page ?? 1);
  params.push(q.page_size, (page - 1) * q.page_size);
  const { rows } = await deps.db.query<AccountRow>(
    `SELECT * FROM accounts WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  return rows;
}

export async function getAccount(
  deps: Deps,
  scope: ProjectScope,
  id: string,
  db: Queryable = deps.db,
): Promise<AccountRow> {
  const { rows } = await db.query<AccountRow>('SELECT * FROM accounts WHERE project_id = $1 AND id = $2', [
    scope.projectId,
    id,
  ]);
  if (!rows[0]) throw new AppError('ACCOUNT_NOT_FOUND', 'Account not found');
  return rows[0];
}

export async function patchAccount(deps: Deps, scope: ProjectScope, id: string, input: PatchAccountInput) {
  return transaction(deps.db, async (tx) => {
    const { rows } = await tx.query<AccountRow>(
      'SELECT * FROM accounts WHERE project_id = $1 AND id = $2 FOR UPDATE',
      [scope.projectId, id],
    );
    const current = rows[0];
    if (!current) throw new AppError('ACCOUNT_NOT_FOUND', 'Account not found');
    if (input.provider && input.provider !== current.provider)
      throw invalidInput('provider of a linked account cannot be changed', { field: 'provider' });
    const label = typeof input.label === 'string' ? input.label || null : current.label;
    const metadata = input.metadata && Object.keys(input.metadata).length ? input.metadata : current.metadata;
    const updated = await tx.query<AccountRow>(
      `UPDATE accounts SET origin_owner_id = $3, origin_owner_name = $4, origin_username = $5, label = $6, metadata = $7, updated_at = $8
       WHERE project_id = $1 AND id = $2 RETURNING *`,
      [
        scope.projectId,
        id,
        input.origin_owner_id ?? current.origin_owner_id,
        input.origin_owner_name ?? current.origin_owner_name,
        input.origin_username === undefined ? current.origin_username : input.origin_username,
        label,
        metadata,
        deps.clock(),
      ],
    );
    await emitAccountEvent(deps, tx, 'account.updated', updated.rows[0]!);
    return updated.rows[0]!;
  });
}

/** A deleted account's provider-side event subscription: its id there and the config it was made with. */
export interface DeletedSubscription {
  providerId: string;
  config: Record<string, string>;
}

/** What runs after a deletion commits, before the tokens are revoked (the events layer's unsubscribe). */
export type AfterDelete = (deleted: AccountRow, subscription: DeletedSubscription | null) => Promise<void>;

export async function deleteAccount(
  deps: Deps,
  scope: ProjectScope,
  id: string,
  afterDelete: AfterDelete = async () => undefined,
): Promise<AccountRow> {
  return transaction(deps.db, async (tx) => {
    // The provider-side event subscription goes with the account (its row cascades).
    const sub = await tx.query<{ provider_id: string | null; config: Record<string, string> }>(
      'SELECT provider_id, config FROM event_subscriptions WHERE account_id = $1',
      [id],
    );
    const { rows } = await tx.query<AccountRow>(
      'DELETE FROM accounts WHERE project_id = $1 AND id = $2 RETURNING *',
      [scope.projectId, id],
    );
    if (!rows[0]) throw new AppError('ACCOUNT_NOT_FOUND', 'Account not found');
    await emitAccountEvent(deps, tx, 'account.deleted', rows[0]);
    const made = sub.rows[0];
    const subscription = made?.provider_id ? { providerId: made.provider_id, config: made.config } : null;
    return { deleted: rows[0], subscription };
  }).then(({ deleted, subscription }) => {
    // After the commit, and without waiting: a slow provider never holds up a deletion. The
    // subscription is deleted first, while the tokens still work.
    void afterDelete(deleted, subscription)
      .catch(() => undefined)
      .then(() => revokeTokens(deps, deleted));
    return deleted;
  });
}

export interface NewAccount {
  projectId: string;
  connectorProfileId: string | null;
  provider: string;
  originOwnerId: string;
  originOwnerName: string;
  originUsername?: string | null;
  label?: string | null;
  type?: string;
  environment?: string | null;
  metadata?: Record<string, unknown> | null;
  setupInformation?: Record<string, string>;
  secrets?: Record<string, string>;
  credentials?: Record<string, unknown>;
  tokenExpiresAt?: Date | null;
}

/** Inserts a linked account (credentials sealed) inside the caller's transaction. */
export async function insertAccount(deps: Deps, db: Queryable, a: NewAccount): Promise<AccountRow> {
  const now = deps.clock();
  const connector = deps.connectors.get(a.provider);
  const { rows } = await db.query<AccountRow>(
    `INSERT INTO accounts (id, project_id, connector_profile_id, provider, origin_owner_id, origin_owner_name, origin_username,
       label, type, environment, metadata, setup_information, secrets, credentials, token_expires_at, created_at, updated_at,
       next_refresh_at, next_check_at, last_refreshed_at, endpoint_overrides)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$16,$17,$18,$19,
       COALESCE((SELECT overrides FROM connector_profiles WHERE id = $3), '{}')) RETURNING *`,
    [
      newId('acc'),
      a.projectId,
      a.connectorProfileId,
      a.provider,
      a.originOwnerId,
      a.originOwnerName,
      a.originUsername ?? null,
      a.label ?? null,
      a.type ?? 'production',
      a.environment ?? null,
      a.metadata ?? null,
      a.setupInformation ?? {},
      a.secrets && Object.keys(a.secrets).length ? deps.vault.sealJson(a.secrets) : null,
      a.credentials ? deps.vault.sealJson(a.credentials) : null,
      a.tokenExpiresAt ?? null,
      now,
      connector && a.credentials ? nextRefreshAt(connector, now, a.tokenExpiresAt ?? null) : null,
      connector && !a.credentials ? nextCheckAt(connector, now) : null,
      a.credentials ? now : null,
    ],
  );
  return rows[0]!;
}
