import { z } from 'zod';
import { commaList, iso } from './common.js';

export const ACCOUNT_STATUSES = ['active', 'inactive', 'error'] as const;

/** `GET /accounts` (StackOne's `stackone_list_linked_accounts`). */
export const listAccountsQuery = z.object({
  account_ids: commaList(500),
  origin_owner_id: z.string().max(255).optional(),
  origin_owner_ids: commaList(500),
  provider: z.string().max(64).optional(),
  providers: commaList(500),
  status: z.preprocess(
    (v) =>
      v === undefined
        ? undefined
        : (Array.isArray(v) ? v : [v]).flatMap((s) => String(s).split(',')).filter(Boolean),
    z.array(z.enum(ACCOUNT_STATUSES)).optional(),
  ),
  /** Pages count from 1; page 0 is read as the first page too. */
  page: z.coerce.number().int().min(0).max(1_000_000).optional(),
  page_size: z.coerce.number().int().min(1).max(1000).default(25),
});
export type ListAccountsQuery = z.infer<typeof listAccountsQuery>;

/**
 * `PatchAccountExternalDto`. The official SDK always sends `type` and sends its object-typed
 * fields (`label`, `metadata`, `credentials`, …) as `{}`: empty objects and `type` are ignored,
 * so an SDK call that only renames the owner changes nothing else.
 */
export const patchAccountSchema = z.object({
  origin_owner_id: z.string().trim().min(1).max(255).nullish(),
  origin_owner_name: z.string().trim().min(1).max(255).nullish(),
  origin_username: z.string().trim().max(255).nullish(),
  label: z.union([z.string().trim().max(255), z.record(z.string(), z.unknown())]).nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
  provider: z.string().max(64).nullish(),
  type: z.string().max(32).nullish(),
  environment: z.string().max(64).nullish(),
  authentication_config_key: z.string().max(128).nullish(),
  credentials: z.record(z.string(), z.unknown()).nullish(),
  secrets: z.record(z.string(), z.unknown()).nullish(),
  setup_information: z.record(z.string(), z.unknown()).nullish(),
});
export type PatchAccountInput = z.infer<typeof patchAccountSchema>;

/** The dashboard's Accounts table: filters, a free-text search and numbered pages with a total. */
export const searchAccountsQuery = z.object({
  q: z.string().trim().max(200).optional(),
  provider: z.string().max(64).optional(),
  status: z.enum(ACCOUNT_STATUSES).optional(),
  origin_owner_id: z.string().max(255).optional(),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  page_size: z.coerce.number().int().min(1).max(100).default(25),
});
export type SearchAccountsQuery = z.infer<typeof searchAccountsQuery>;

/** StackOne's `StatusReason`: why an account is not active. */
export const statusReason = z.strictObject({
  code: z.string().nullable(),
  description: z.string().nullable(),
  timestamp: iso,
});
export type StatusReason = z.infer<typeof statusReason>;

/** `LinkedAccount`: the body of get, patch, delete, suspend and resume, and the items of the list. */
export const linkedAccount = z
  .strictObject({
    id: z.string(),
    provider: z.string(),
    provider_name: z.string(),
    integration_id: z.string().nullable(),
    origin_owner_id: z.string(),
    origin_owner_name: z.string(),
    origin_username: z.string().nullable(),
    label: z.string().nullable(),
    type: z.string(),
    environment: z.string().nullable(),
    status: z.enum(ACCOUNT_STATUSES),
    status_reasons: z.array(statusReason),
    metadata: z.record(z.string(), z.unknown()).nullable(),
    setup_information: z.record(z.string(), z.string()),
    credentials: z
      .record(z.string(), z.string())
      .meta({ description: 'End-user secrets, redacted as __secretvalue:**redacted**<last 4>' }),
    created_at: iso,
    updated_at: iso,
  })
  .meta({ id: 'LinkedAccount' });
export type LinkedAccount = z.infer<typeof linkedAccount>;

/** `LinkedAccountMeta` (`GET /accounts/{id}/meta`). */
export const accountMeta = z
  .strictObject({
    provider: z.string(),
    provider_name: z.string(),
    category: z.string(),
    models: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'LinkedAccountMeta' });
export type AccountMeta = z.infer<typeof accountMeta>;

/** The dashboard's page of accounts: numbered pages and the total that matches. */
export const accountPage = z.strictObject({
  data: z.array(linkedAccount),
  total: z.number().int(),
  page: z.number().int(),
  page_size: z.number().int(),
});
export type AccountPage = z.infer<typeof accountPage>;
