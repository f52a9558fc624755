import { z } from 'zod';
import { categorySchema } from '../connectors/schema.js';
import { iso } from './common.js';

/** Auth Links from the dashboard last 5 days; nothing lives longer than 30. */
export const MAX_SESSION_TTL_S = 30 * 24 * 3600;

const text = (max: number) => z.string().trim().min(1).max(max);
const optionalText = (max: number) => z.string().trim().max(max).nullish();

/** `ConnectSessionCreate`. The SDK always sends `expires_in`, `multiple` and `type` (its defaults). */
export const createSessionSchema = z.object({
  origin_owner_id: text(255),
  origin_owner_name: text(255),
  origin_username: optionalText(255),
  account_id: optionalText(64),
  provider: optionalText(64),
  provider_version: optionalText(64),
  categories: z.array(categorySchema).max(13).nullish(),
  label: optionalText(255),
  metadata: z.record(z.string(), z.unknown()).nullish(),
  expires_in: z.number().int().min(60).max(MAX_SESSION_TTL_S).nullish(),
  multiple: z.boolean().nullish(),
  type: z.enum(['production', 'test']).nullish(),
  /** Ours: the Hub's language for this session (BCP 47, e.g. "fr", "pt-BR"), kept in canonical form. */
  locale: z
    .string()
    .trim()
    .max(35)
    .refine(isLocale, 'must be a BCP 47 language tag such as "fr" or "pt-BR"')
    .transform((t) => Intl.getCanonicalLocales(t)[0]!)
    .nullish(),
});

function isLocale(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}
export type CreateSessionInput = z.infer<typeof createSessionSchema>;

/** `POST /connect_sessions/authenticate`. */
export const authenticateSessionBody = z.object({ token: z.string().min(1).max(512) });

/** `ConnectSession` (the answer of `POST /connect_sessions/authenticate`). */
export const connectSession = z
  .strictObject({
    id: z.number().int(),
    organization_id: z.number().int(),
    project_id: z.string(),
    origin_owner_id: z.string(),
    origin_owner_name: z.string(),
    origin_username: z.string().nullable(),
    account_id: z.string().nullable(),
    provider: z.string().nullable(),
    provider_version: z.string().nullable(),
    categories: z.array(z.string()).nullable(),
    label: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()),
    multiple: z.boolean(),
    type: z.string(),
    external_trigger_token: z.string().nullable(),
    created_at: iso,
    expires_at: iso,
  })
  .meta({ id: 'ConnectSession' });
export type ConnectSession = z.infer<typeof connectSession>;

/** `ConnectSessionTokenAuthLink` (the answer of `POST /connect_sessions`). */
export const connectSessionWithToken = connectSession
  .extend({ token: z.string(), auth_link_url: z.string() })
  .meta({ id: 'ConnectSessionTokenAuthLink' });
export type ConnectSessionWithToken = z.infer<typeof connectSessionWithToken>;

/** `DELETE /connect_sessions/{id}` (ours). */
export const revokedSession = z.strictObject({ id: z.number().int(), expires_at: iso, revoked: z.boolean() });
