import { z } from 'zod';
import { iso } from './common.js';

/** The provider URLs a profile may point elsewhere (a sandbox, a customer's own instance). */
export const OVERRIDE_KEYS = ['authorization_url', 'token_url', 'revoke_url', 'base_url'] as const;
export type OverrideKey = (typeof OVERRIDE_KEYS)[number];

const overridesSchema = z
  .object(
    Object.fromEntries(OVERRIDE_KEYS.map((k) => [k, z.string().max(2048).nullable().optional()])) as Record<
      OverrideKey,
      z.ZodOptional<z.ZodNullable<z.ZodString>>
    >,
  )
  .strict();

const profileFields = {
  label: z.string().trim().min(1).max(200),
  environment: z.string().min(1).max(64),
  setup: z.record(z.string(), z.unknown()),
  enabled_actions: z.array(z.string().min(1).max(200)).max(500).nullable(),
  enabled_events: z.array(z.string().min(1).max(200)).max(500).nullable(),
  overrides: overridesSchema,
  pkce: z.boolean(),
  default: z.boolean(),
  active: z.boolean(),
};

export const createProfileSchema = z
  .object({ provider: z.string().min(1).max(64), ...profileFields })
  .partial({
    label: true,
    environment: true,
    setup: true,
    enabled_actions: true,
    enabled_events: true,
    overrides: true,
    pkce: true,
    default: true,
    active: true,
  })
  .strict();
export const updateProfileSchema = z.object(profileFields).partial().strict();

/** A connector profile on the wire: setup secrets redacted, every override key present. */
export const connectorProfile = z
  .strictObject({
    id: z.string(),
    provider: z.string(),
    provider_name: z.string(),
    label: z.string(),
    environment: z.string(),
    setup: z.record(z.string(), z.string()),
    enabled_actions: z.array(z.string()).nullable(),
    enabled_events: z.array(z.string()).nullable(),
    overrides: z.strictObject(
      Object.fromEntries(OVERRIDE_KEYS.map((k) => [k, z.string().nullable()])) as Record<
        OverrideKey,
        z.ZodNullable<z.ZodString>
      >,
    ),
    pkce: z.boolean(),
    default: z.boolean(),
    active: z.boolean(),
    created_at: iso,
    updated_at: iso,
  })
  .meta({ id: 'ConnectorProfile' });
export type ConnectorProfileWire = z.infer<typeof connectorProfile>;

/** `POST /connector_profiles/{id}/check`. */
export const profileCheck = z.strictObject({
  result: z.enum(['ok', 'problem', 'cannot_check']),
  message: z.string(),
});
