import type { Deps, ProjectScope } from '../deps.js';
import { AppError, invalidInput } from '../errors.js';
import { transaction, type Queryable } from '../../store/db.js';
import type { SessionRow } from './connect-sessions.js';
import { getProfile, type ConnectorProfile } from '../connector-profiles/profiles.js';
import { insertAccount } from '../accounts/accounts.js';
import type { AccountRow } from '../accounts/row.js';
import { splitSecrets, validateFields } from '../../connectors/fields.js';
import { REDACTED_PATTERN } from '../vault.js';
import { runTestAction, type ProviderTarget } from '../connector-profiles/target.js';
import { finishAttempt, recordLinkFailure } from './connection-attempts.js';
import { reasonForError } from './link-failures.js';
import { emitAccountEvent } from '../webhooks/events.js';
import { nextCheckAt, nextRefreshAt } from '../credentials/schedule.js';
import { linkClientCredentials } from './oauth2/client-credentials.js';
import type { Grant } from './oauth2/token-endpoint.js';

const scopeOf = (s: SessionRow): ProjectScope => ({
  projectId: s.project_id,
  organizationId: s.organization_id,
});

/** True when the session lets its end user see this profile in the Hub. */
export function sessionAllowsProfile(session: SessionRow, profile: ConnectorProfile): boolean {
  if (!profile.active) return false;
  if (session.provider && session.provider !== profile.provider) return false;
  if (
    session.categories?.length &&
    !profile.connector.categories.some((c) => session.categories!.includes(c))
  )
    return false;
  return true;
}

/** A profile the session may link with, or 404 (another project's profile is as unknown as a made-up id). */
export async function profileForSession(
  deps: Deps,
  session: SessionRow,
  integrationId: string,
): Promise<ConnectorProfile> {
  const profile = await getProfile(deps, scopeOf(session), integrationId);
  if (!sessionAllowsProfile(session, profile))
    throw new AppError('INTEGRATION_NOT_FOUND', 'Integration not found');
  return profile;
}

/**
 * The account a session edits instead of creating one: the session's `account_id`, or, unless
 * the session allows `multiple`, the origin owner's existing account with the same provider.
 */
export async function accountToEdit(
  deps: Deps,
  session: SessionRow,
  provider: string,
  db: Queryable = deps.db,
): Promise<AccountRow | null> {
  if (session.account_id) {
    const { rows } = await db.query<AccountRow>('SELECT * FROM accounts WHERE project_id = $1 AND id = $2', [
      session.project_id,
      session.account_id,
    ]);
    return rows[0] ?? null;
  }
  if (session.multiple) return null;
  const { rows } = await db.query<AccountRow>(
    'SELECT * FROM accounts WHERE project_id = $1 AND origin_owner_id = $2 AND provider = $3 ORDER BY created_at DESC LIMIT 1',
    [session.project_id, session.origin_owner_id, provider],
  );
  return rows[0] ?? null;
}

/** An account the session may read or edit in the Hub. */
export async function hubAccount(deps: Deps, session: SessionRow, id: string): Promise<AccountRow> {
  const { rows } = await deps.db.query<AccountRow>(
    'SELECT * FROM accounts WHERE project_id = $1 AND id = $2',
    [session.project_id, id],
  );
  const a = rows[0];
  if (!a || (session.account_id !== a.id && a.origin_owner_id !== session.origin_owner_id))
    throw new AppError('ACCOUNT_NOT_FOUND', 'Account not found');
  return a;
}

export interface LinkResult {
  account: AccountRow;
  created: boolean;
}

export interface Linked {
  setupInformation: Record<string, string>;
  secrets: Record<string, string>;
  credentials: Record<string, unknown> | null;
  tokenExpiresAt: Date | null;
}

/**
 * Creates the account, or updates the one being edited, in one transaction; when it comes from
 * an OAuth popup the attempt is marked `authenticated` in the same transaction.
 */
export async function saveLinkedAccount(
  deps: Deps,
  session: SessionRow,
  profile: ConnectorProfile,
  linked: Linked,
  opts: { attemptId?: string; editId?: string } = {},
): Promise<LinkResult> {
  return transaction(deps.db, async (tx) => {
    const target = opts.editId
      ? ((
          await tx.query<AccountRow>('SELECT * FROM accounts WHERE project_id = $1 AND id = $2 FOR UPDATE', [
            session.project_id,
            opts.editId,
          ])
        ).rows[0] ?? null)
      : await accountToEdit(deps, session, profile.provider, tx);
    let result: LinkResult;
    if (target) {
      if (target.provider !== profile.provider)
        throw invalidInput('integration_id belongs to another provider than the account');
      const { rows } = await tx.query<AccountRow>(
        `UPDATE accounts SET connector_profile_id = $2, environment = $3, setup_information = $4, secrets = $5,
           credentials = COALESCE($6, credentials), token_expires_at = CASE WHEN $6::text IS NULL THEN token_expires_at ELSE $7 END,
           status = 'active', status_reasons = '[]', origin_owner_name = $8, origin_username = COALESCE($9, origin_username), updated_at = $10,
           next_refresh_at = CASE WHEN $6::text IS NULL THEN NULL ELSE $11::timestamptz END, next_check_at = $12, refresh_failures = 0,
           last_refreshed_at = CASE WHEN $6::text IS NULL THEN last_refreshed_at ELSE $10 END,
           endpoint_overrides = $13
         WHERE id = $1 RETURNING *`,
        [
          target.id,
          profile.id,
          profile.environment,
          linked.setupInformation,
          Object.keys(linked.secrets).length ? deps.vault.sealJson(linked.secrets) : null,
          linked.credentials ? deps.vault.sealJson(linked.credentials) : null,
          linked.tokenExpiresAt,
          session.origin_owner_name,
          session.origin_username,
          deps.clock(),
          linked.credentials ? nextRefreshAt(profile.connector, deps.clock(), linked.tokenExpiresAt) : null,
          linked.credentials ? null : nextCheckAt(profile.connector, deps.clock()),
          // Linked again: the credentials now come from (and go to) the profile's current URLs.
          profile.overrides,
        ],
      );
      // Linked again, perhaps with other config (GitHub's repository) or another grant: its event
      // subscription is made again, deleted where it was made and created for what it is now.
      // A row already due (pending or failed) is left alone: a worker may hold it.
      await tx.query(
        `UPDATE event_subscriptions SET status = 'pending', next_attempt_at = $2, attempts = 0, last_error = NULL,
           updated_at = $2 WHERE account_id = $1 AND status IN ('active', 'off')`,
        [target.id, deps.clock()],
      );
      result = { account: rows[0]!, created: false };
    } else {
      const account = await insertAccount(deps, tx, {
        projectId: session.project_id,
        connectorProfileId: profile.id,
        provider: profile.provider,
        originOwnerId: session.origin_owner_id,
        originOwnerName: session.origin_owner_name,
        originUsername: session.origin_username,
        label: session.label,
        type: session.type,
        environment: profile.environment,
        metadata: session.metadata && Object.keys(session.metadata).length ? session.metadata : null,
        setupInformation: linked.setupInformation,
        secrets: linked.secrets,
        ...(linked.credentials ? { credentials: linked.credentials } : {}),
        tokenExpiresAt: linked.tokenExpiresAt,
      });
      result = { account, created: true };
    }
    await emitAccountEvent(deps, tx, result.created ? 'account.created' : 'account.updated', result.account);
    if (opts.attemptId) {
      const ok = await finishAttempt(deps, tx, opts.attemptId, {
        status: 'authenticated',
        accountId: result.account.id,
      });
      if (!ok) throw new AppError('ATTEMPT_CLOSED', 'The connection attempt was cancelled or has expired');
    }
    return result;
  });
}

/**
 * The API-token path (`POST/PATCH /hub/accounts`): validate the end user's fields, run the
 * connector's test action against the provider, and only then create or update the account. A
 * client-credentials connector mints its token (and runs its discovery) before the test action.
 */
export async function linkWithCredentials(
  deps: Deps,
  session: SessionRow,
  integrationId: string,
  credentials: Record<string, unknown>,
  editId?: string,
): Promise<LinkResult> {
  const profile = await profileForSession(deps, session, integrationId);
  const connector = profile.connector;
  const auth = connector.auth;
  if (auth.type === 'oauth2' && auth.grant !== 'client_credentials') {
    throw invalidInput(`${connector.name} connects with OAuth: start a connection attempt instead`);
  }
  let existing: Record<string, string> = {};
  if (editId) {
    const account = await hubAccount(deps, session, editId);
    if (account.provider !== profile.provider)
      throw invalidInput('integration_id belongs to another provider than the account');
    existing = {
      ...account.setup_information,
      ...(account.secrets ? deps.vault.openJson<Record<string, string>>(account.secrets) : {}),
    };
  }
  const cleaned = Object.fromEntries(
    Object.entries(credentials).filter(([, v]) => !(typeof v === 'string' && REDACTED_PATTERN.test(v))),
  );
  const { values, problems } = validateFields(connector.config_fields, cleaned, existing);
  if (problems.length)
    throw invalidInput(problems.map((p) => p.message).join('; '), { field: problems[0]!.field });
  const config = { ...existing, ...values };
  const target: ProviderTarget = {
    connector,
    environment: profile.environment,
    overrides: profile.overrides,
    config,
    setup: profile.setupValues,
    credentials: {},
  };
  let grant: Grant | null = null;
  try {
    if (auth.type === 'oauth2') grant = await linkClientCredentials(deps, target, auth);
    await runTestAction(deps, grant ? { ...target, credentials: grant.credentials } : target);
  } catch (err) {
    // Every value typed or stored goes into the redaction: the provider may echo any of them.
    const submitted = [...Object.values(credentials), ...Object.values(config)];
    const status = err instanceof AppError ? err.provider?.status : undefined;
    await recordLinkFailure(deps, session, profile, {
      reason: reasonForError(err),
      code: status ? `http_${status}` : err instanceof AppError ? err.attemptCode : 'unreachable',
      description: err instanceof Error ? err.message : 'The provider check failed',
      submitted,
    }).catch((e: unknown) => deps.log.warn({ err: e }, 'could not record a link failure'));
    throw err;
  }
  const { plain, secret } = splitSecrets(connector.config_fields, config);
  return saveLinkedAccount(
    deps,
    session,
    profile,
    {
      setupInformation: plain,
      secrets: secret,
      credentials: grant?.credentials ?? null,
      tokenExpiresAt: grant?.expiresAt ?? null,
    },
    editId ? { editId } : {},
  );
}
