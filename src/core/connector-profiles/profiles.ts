import type { z } from 'zod';
import type { Deps, ProjectScope } from '../deps.js';
import { AppError, invalidInput } from '../errors.js';
import { newId } from '../ids.js';
import { redact, REDACTED_PATTERN } from '../vault.js';
import { transaction, type Queryable } from '../../store/db.js';
import { splitSecrets, validateFields } from '../../connectors/fields.js';
import type { Connector } from '../../connectors/schema.js';
import { urlPolicyViolation } from '../network-policy.js';
import {
  OVERRIDE_KEYS,
  type connectorProfile,
  type createProfileSchema,
  type updateProfileSchema,
} from '../../contract/connector-profiles.js';

type OverrideKey = (typeof OVERRIDE_KEYS)[number];
export type Overrides = { [K in OverrideKey]?: string | null | undefined };

export interface ProfileRow {
  id: string;
  project_id: string;
  provider: string;
  label: string;
  environment: string;
  setup: Record<string, string>;
  setup_secrets: string | null;
  enabled_actions: string[] | null;
  enabled_events: string[] | null;
  overrides: Overrides;
  pkce: boolean;
  is_default: boolean;
  active: boolean;
  created_at: Date;
  updated_at: Date;
}

/** A profile with its setup values opened: for core code, never for the wire. */
export interface ConnectorProfile extends ProfileRow {
  connector: Connector;
  setupValues: Record<string, string>;
}

export function connectorOrThrow(deps: Deps, provider: string): Connector {
  const c = deps.connectors.get(provider);
  if (!c) throw invalidInput(`provider: unknown provider "${provider}"`, { field: 'provider' });
  return c;
}

function openProfile(deps: Deps, row: ProfileRow): ConnectorProfile {
  const connector = deps.connectors.get(row.provider);
  if (!connector)
    throw new AppError('CONNECTOR_NOT_FOUND', `Connector ${row.provider} is no longer installed`);
  const secrets = row.setup_secrets ? deps.vault.openJson<Record<string, string>>(row.setup_secrets) : {};
  return { ...row, connector, setupValues: { ...row.setup, ...secrets } };
}

function validateOverrides(deps: Deps, overrides: Overrides): Overrides {
  const out: Overrides = {};
  for (const key of OVERRIDE_KEYS) {
    const v = overrides[key];
    if (v === undefined) continue;
    if (v === null || v === '') {
      out[key] = null;
      continue;
    }
    const problem = urlPolicyViolation(v, deps.settings.allowPrivateNetwork);
    if (problem) throw invalidInput(`overrides.${key} ${problem}`, { field: `overrides.${key}` });
    out[key] = v.replace(/\/+$/, '');
  }
  return out;
}

function checkScopes(connector: Connector, setup: Record<string, string>) {
  if (connector.auth.type !== 'oauth2') return;
  const rule = connector.auth.scopes;
  if (rule.from !== 'setup' || !rule.field || rule.require_one_of.length === 0) return;
  const given = setup[rule.field];
  if (!given) return;
  const scopes = given.split(/[\s,]+/).filter(Boolean);
  if (!rule.require_one_of.some((s) => scopes.includes(s))) {
    throw invalidInput(
      `setup.${rule.field} must include ${rule.require_one_of.join(' or ')}, otherwise ${connector.name} issues no refresh token`,
      { field: `setup.${rule.field}` },
    );
  }
}

function checkSetup(connector: Connector, input: Record<string, unknown>, existing: Record<string, string>) {
  // A redacted placeholder sent back unchanged means "keep the stored secret".
  const cleaned = Object.fromEntries(
    Object.entries(input).filter(([, v]) => !(typeof v === 'string' && REDACTED_PATTERN.test(v))),
  );
  const { values, problems } = validateFields(connector.setup_fields, cleaned, existing);
  if (problems.length)
    throw invalidInput(`setup.${problems[0]!.field}: ${problems[0]!.message}`, {
      field: `setup.${problems[0]!.field}`,
    });
  const merged = { ...existing, ...values };
  checkScopes(connector, merged);
  return merged;
}

/** `enabled_events` names only events the connector declares. */
function checkEvents(connector: Connector, events: string[] | null | undefined) {
  if (!events) return;
  const declared = new Set((connector.events?.types ?? []).map((t) => t.name));
  for (const [i, name] of events.entries()) {
    if (!declared.has(name)) {
      const known = [...declared].join(', ');
      throw invalidInput(
        `enabled_events[${i}]: ${connector.name} has no event "${name}"${known ? ` (it has ${known})` : ' (it declares none)'}`,
        { field: `enabled_events.${i}` },
      );
    }
  }
}

/** The wire shape: secrets redacted. */
export function profileToWire(p: ConnectorProfile): z.input<typeof connectorProfile> {
  const setup: Record<string, string> = {};
  const { plain, secret } = splitSecrets(p.connector.setup_fields, p.setupValues);
  for (const [k, v] of Object.entries(plain)) setup[k] = v;
  for (const [k, v] of Object.entries(secret)) setup[k] = redact(v);
  return {
    id: p.id,
    provider: p.provider,
    provider_name: p.connector.name,
    label: p.label,
    environment: p.environment,
    setup,
    enabled_actions: p.enabled_actions,
    enabled_events: p.enabled_events,
    overrides: Object.fromEntries(OVERRIDE_KEYS.map((k) => [k, p.overrides[k] ?? null])) as Record<
      OverrideKey,
      string | null
    >,
    pkce: p.pkce,
    default: p.is_default,
    active: p.active,
    created_at: p.created_at.toISOString(),
    updated_at: p.updated_at.toISOString(),
  };
}

async function clearOtherDefaults(tx: Queryable, scope: ProjectScope, provider: string, keepId: string) {
  await tx.query(
    'UPDATE connector_profiles SET is_default = false WHERE project_id = $1 AND provider = $2 AND id <> $3 AND is_default',
    [scope.projectId, provider, keepId],
  );
}

export async function createProfile(
  deps: Deps,
  scope: ProjectScope,
  input: z.infer<typeof createProfileSchema>,
) {
  const connector = connectorOrThrow(deps, input.provider);
  const environment = input.environment ?? connector.environments[0]!.key;
  if (!connector.environments.some((e) => e.key === environment)) {
    throw invalidInput(`environment must be one of ${connector.environments.map((e) => e.key).join(', ')}`, {
      field: 'environment',
    });
  }
  const setupValues = checkSetup(connector, input.setup ?? {}, {});
  checkEvents(connector, input.enabled_events);
  const overrides = validateOverrides(deps, input.overrides ?? {});
  const pkceSupported = connector.auth.type === 'oauth2' && connector.auth.pkce.supported;
  const pkce = input.pkce ?? (connector.auth.type === 'oauth2' && connector.auth.pkce.default);
  if (pkce && !pkceSupported)
    throw invalidInput(`pkce: ${connector.name} does not support PKCE`, { field: 'pkce' });
  const { plain, secret } = splitSecrets(connector.setup_fields, setupValues);
  const id = newId('prof');
  const now = deps.clock();
  const row = await transaction(deps.db, async (tx) => {
    const existing = await tx.query(
      'SELECT 1 FROM connector_profiles WHERE project_id = $1 AND provider = $2 AND is_default',
      [scope.projectId, connector.key],
    );
    const isDefault = input.default ?? existing.rows.length === 0;
    if (isDefault) await clearOtherDefaults(tx, scope, connector.key, id);
    const { rows } = await tx.query<ProfileRow>(
      `INSERT INTO connector_profiles (id, project_id, provider, label, environment, setup, setup_secrets, enabled_actions,
         overrides, pkce, is_default, active, created_at, updated_at, enabled_events)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$13,$14) RETURNING *`,
      [
        id,
        scope.projectId,
        connector.key,
        input.label ?? connector.name,
        environment,
        plain,
        Object.keys(secret).length ? deps.vault.sealJson(secret) : null,
        input.enabled_actions === undefined || input.enabled_actions === null
          ? null
          : JSON.stringify(input.enabled_actions),
        overrides,
        pkce,
        isDefault,
        input.active ?? true,
        now,
        input.enabled_events === undefined || input.enabled_events === null
          ? null
          : JSON.stringify(input.enabled_events),
      ],
    );
    return rows[0]!;
  });
  return openProfile(deps, row);
}

export async function listProfiles(deps: Deps, scope: ProjectScope): Promise<ConnectorProfile[]> {
  const { rows } = await deps.db.query<ProfileRow>(
    'SELECT * FROM connector_profiles WHERE project_id = $1 ORDER BY created_at, id',
    [scope.projectId],
  );
  return rows.filter((r) => deps.connectors.get(r.provider)).map((r) => openProfile(deps, r));
}

export async function getProfile(
  deps: Deps,
  scope: ProjectScope,
  id: string,
  db: Queryable = deps.db,
): Promise<ConnectorProfile> {
  const { rows } = await db.query<ProfileRow>(
    'SELECT * FROM connector_profiles WHERE project_id = $1 AND id = $2',
    [scope.projectId, id],
  );
  if (!rows[0] || !deps.connectors.get(rows[0].provider))
    throw new AppError('CONNECTOR_PROFILE_NOT_FOUND', 'Connector profile not found');
  return openProfile(deps, rows[0]);
}

export async function updateProfile(
  deps: Deps,
  scope: ProjectScope,
  id: string,
  input: z.infer<typeof updateProfileSchema>,
) {
  return transaction(deps.db, async (tx) => {
    const current = await getProfile(deps, scope, id, tx);
    await tx.query('SELECT 1 FROM connector_profiles WHERE id = $1 FOR UPDATE', [id]);
    const connector = current.connector;
    const environment = input.environment ?? current.environment;
    if (!connector.environments.some((e) => e.key === environment)) {
      throw invalidInput(
        `environment must be one of ${connector.environments.map((e) => e.key).join(', ')}`,
        {
          field: 'environment',
        },
      );
    }
    const setupValues = input.setup
      ? checkSetup(connector, input.setup, current.setupValues)
      : current.setupValues;
    const overrides = input.overrides
      ? { ...current.overrides, ...validateOverrides(deps, input.overrides) }
      : current.overrides;
    const pkce = input.pkce ?? current.pkce;
    if (pkce && !(connector.auth.type === 'oauth2' && connector.auth.pkce.supported)) {
      throw invalidInput(`pkce: ${connector.name} does not support PKCE`, { field: 'pkce' });
    }
    const { plain, secret } = splitSecrets(connector.setup_fields, setupValues);
    const isDefault = input.default ?? current.is_default;
    if (isDefault && !current.is_default) await clearOtherDefaults(tx, scope, connector.key, id);
    const enabled = input.enabled_actions === undefined ? current.enabled_actions : input.enabled_actions;
    checkEvents(connector, input.enabled_events);
    const events = input.enabled_events === undefined ? current.enabled_events : input.enabled_events;
    const { rows } = await tx.query<ProfileRow>(
      `UPDATE connector_profiles SET label = $3, environment = $4, setup = $5, setup_secrets = $6, enabled_actions = $7,
         overrides = $8, pkce = $9, is_default = $10, active = $11, updated_at = $12, enabled_events = $13
       WHERE project_id = $1 AND id = $2 RETURNING *`,
      [
        scope.projectId,
        id,
        input.label ?? current.label,
        environment,
        plain,
        Object.keys(secret).length ? deps.vault.sealJson(secret) : null,
        enabled === null ? null : JSON.stringify(enabled),
        overrides,
        pkce,
        isDefault,
        input.active ?? current.active,
        deps.clock(),
        events === null ? null : JSON.stringify(events),
      ],
    );
    // Its accounts' event subscriptions are brought to the new list by the events worker.
    if (JSON.stringify(events) !== JSON.stringify(current.enabled_events)) {
      await tx.query(
        `UPDATE event_subscriptions s SET status = 'pending', next_attempt_at = $2, attempts = 0
         FROM accounts a WHERE a.id = s.account_id AND a.connector_profile_id = $1`,
        [id, deps.clock()],
      );
    }
    return openProfile(deps, rows[0]!);
  });
}

export async function deleteProfile(deps: Deps, scope: ProjectScope, id: string) {
  const profile = await getProfile(deps, scope, id);
  await deps.db.query('DELETE FROM connector_profiles WHERE project_id = $1 AND id = $2', [
    scope.projectId,
    id,
  ]);
  return profile;
}
