import type { Deps } from '../deps.js';
import { redact } from '../vault.js';
import type { AccountRow } from './row.js';
import type { z } from 'zod';
import type { accountMeta as accountMetaShape, linkedAccount } from '../../contract/accounts.js';

/** `LinkedAccount` on the wire. Secrets are redacted; OAuth tokens never leave the server. */
export function accountToWire(deps: Deps, a: AccountRow): z.input<typeof linkedAccount> {
  const secrets = a.secrets ? deps.vault.openJson<Record<string, string>>(a.secrets) : {};
  return {
    id: a.id,
    provider: a.provider,
    provider_name: deps.connectors.get(a.provider)?.name ?? a.provider,
    integration_id: a.connector_profile_id,
    origin_owner_id: a.origin_owner_id,
    origin_owner_name: a.origin_owner_name,
    origin_username: a.origin_username,
    label: a.label,
    type: a.type,
    environment: a.environment,
    status: a.status,
    status_reasons: a.status_reasons,
    metadata: a.metadata,
    setup_information: a.setup_information,
    credentials: Object.fromEntries(Object.entries(secrets).map(([k, v]) => [k, redact(v)])),
    created_at: a.created_at.toISOString(),
    updated_at: a.updated_at.toISOString(),
  };
}

/** The `provider`/`category` summary StackOne's Hub and SDK expect beside an account. */
export function accountMeta(deps: Deps, a: AccountRow): z.input<typeof accountMetaShape> {
  const c = deps.connectors.get(a.provider);
  return {
    provider: a.provider,
    provider_name: c?.name ?? a.provider,
    category: c?.categories[0] ?? 'stackone',
    models: {},
  };
}
