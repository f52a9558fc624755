import { z } from 'zod';

/** `POST|PATCH /hub/accounts`: link (or edit) with the end user's credentials. */
export const hubAccountBody = z.object({
  integration_id: z.string().min(1).max(64),
  credentials: z
    .record(z.string().max(64), z.union([z.string().max(8192), z.number()]))
    .refine((c) => Object.keys(c).length <= 50, 'too many fields'),
});

/** The popup's launch: the end user's fields travel here, not on the popup's URL. */
export const hubLaunchBody = z.object({
  integration_id: z.string().min(1).max(64),
  redirect_uri: z.string().max(2048),
  fields: z
    .record(z.string().max(64), z.string().max(8192))
    .refine((f) => Object.keys(f).length <= 50, 'too many fields')
    .optional(),
});

/** StackOne's `{token}`, and optionally (ours) the launch in the same request. */
export const hubAttemptBody = hubLaunchBody.partial().extend({ token: z.string().max(256).optional() });

/** `GET /hub/settings`. */
export const hubSettings = z.object({
  enabled_features: z.array(z.string()),
  existing_account_id: z.string().optional(),
});

/** `POST|PATCH /hub/accounts`: the account linked. */
export const hubLinkedAccount = z.object({ id: z.string(), provider: z.string() });

/**
 * `GET /hub/accounts/{id}/events_setup` (ours): for a connector whose events are set up by hand
 * (Oneflow), the inbound URL and sign key the account's owner pastes into the provider, and the
 * connector's steps with their `{inbound_url}` and `{secret}` placeholders. All null and empty
 * when there is nothing to set up.
 */
export const hubEventsSetup = z.strictObject({
  inbound_url: z.string().nullable(),
  secret: z.string().nullable(),
  steps: z.array(z.string()),
});
export type HubEventsSetup = z.infer<typeof hubEventsSetup>;

/** `GET /hub/link_status`. */
export const hubLinkStatus = z.object({
  status: z.enum(['active', 'expired', 'invalid']),
  origin_owner_name: z.string().optional(),
  expired_at: z.string().optional(),
});

/** `GET /hub/branding` (ours): whom the link is from, for whom, in which language, and how it looks. */
export const hubBranding = z.strictObject({
  company: z.string().nullable(),
  origin_owner_name: z.string().nullable(),
  locale: z.string().nullable(),
  logo_url: z.string().nullable(),
  accent_color: z.string().nullable(),
  accent_text_color: z.string().nullable(),
  support_email: z.string().nullable(),
  privacy_url: z.string().nullable(),
  terms_url: z.string().nullable(),
  consent_text: z.string().nullable(),
  show_powered_by: z.boolean(),
});
export type HubBranding = z.infer<typeof hubBranding>;

/**
 * `GET /connect/oauth2/choices/{id}` (ours): the accounts a sign-in found, by name only, for the
 * end user to choose one. The values each would keep stay on the server.
 */
export const linkChoice = z.strictObject({
  provider: z.string(),
  name: z.string(),
  options: z.array(z.strictObject({ label: z.string() })),
  expires_at: z.string(),
});

/** `POST /connect/oauth2/choices/{id}` (ours): the index of the chosen option, or a cancel. */
export const linkChoiceAnswer = z.union([
  z.strictObject({ option: z.number().int().min(0) }),
  z.strictObject({ cancel: z.literal(true) }),
]);

/** Where the sign-in window goes next: the Hub's return page, or a further chooser. */
export const linkChoiceNext = z.strictObject({ redirect: z.string() });
