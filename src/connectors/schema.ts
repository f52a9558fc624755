import { z } from 'zod';
import { actionSchema } from './action-schema.js';
import { jsonPathSchema } from './json-path.js';
import { grantKeys, requireAuthorizeUrl } from './grants-schema.js';
import { CATEGORIES } from '../contract/categories.js';

export { CATEGORIES };
/** StackOne's closed category list, kept in src/contract/categories.ts with its labels. */
export const categorySchema = z.enum(CATEGORIES);

const templateString = z.string().min(1);

/** A field the company (setup) or the end user (config) fills. */
export const fieldSchema = z.strictObject({
  key: z.string().regex(/^[a-z][a-z0-9_]*$/, 'field keys are snake_case'),
  label: z.string().min(1),
  type: z.enum(['text', 'password', 'number', 'text_area', 'select']),
  required: z.boolean().default(false),
  secret: z.boolean().default(false),
  placeholder: z.string().optional(),
  description: z.string().optional(),
  default: z.string().optional(),
  /** Built-in formats checked server-side (and shown as an html pattern in the Hub). */
  format: z.enum(['dns_label', 'email', 'url']).optional(),
  pattern: z.string().optional(),
  pattern_message: z.string().optional(),
  max_length: z.number().int().positive().default(2048),
  options: z.array(z.strictObject({ value: z.string(), label: z.string() })).optional(),
});
export type Field = z.infer<typeof fieldSchema>;

const scopesSchema = z.strictObject({
  /** Where scopes come from: a setup field, a config field, or only the default. */
  from: z.enum(['setup', 'config', 'default']).default('default'),
  field: z.string().optional(),
  default: z.string(),
  separator: z.string().default(' '),
  /** Scopes added when the user's list lacks them (e.g. Kustomer's offline_access). */
  always_include: z.array(z.string()).default([]),
  /** At least one of these must be present, else the profile or link is refused. */
  require_one_of: z.array(z.string()).default([]),
});

const oauth2Fields = z.strictObject({
  type: z.literal('oauth2'),
  /** Where the OAuth client id/secret live: the profile's setup, or the end user's config. */
  client_from: z.enum(['setup', 'config']),
  client_id_field: z.string().default('client_id'),
  client_secret_field: z.string().default('client_secret'),
  /** Required by the authorization code grant; the client credentials grant has none (''). */
  authorization_url: templateString.or(z.literal('')).default(''),
  token_url: templateString,
  revoke_url: templateString.optional(),
  scopes: scopesSchema.default({
    from: 'default',
    default: '',
    separator: ' ',
    always_include: [],
    require_one_of: [],
  }),
  pkce: z
    .strictObject({ supported: z.boolean(), default: z.boolean() })
    .default({ supported: false, default: false }),
  /** How the client authenticates at the token endpoint. */
  token_auth: z.enum(['client_secret_post', 'client_secret_basic']).default('client_secret_post'),
  /** Extra token-response fields to keep with the credentials (Salesforce `instance_url`). */
  keep_token_fields: z.array(z.string()).default([]),
  /** Used when the token response has no `expires_in` (null: the token has no known expiry). */
  default_expires_in: z.number().int().positive().nullable().default(null),
  /**
   * Refresh at least this often even when the access token does not expire, so refresh tokens
   * that die when unused (Salesforce's "expire if not used for N") stay alive.
   */
  keep_alive_days: z.number().positive().nullable().default(null),
  /** Extra query parameters on the authorize URL. */
  authorize_params: z.record(z.string(), z.string()).default({}),
  /**
   * Declares it safe to GET the authorize URL server-side (no redirects followed) before the
   * popup goes there, and which answers end the attempt instead of stranding the end user on the
   * provider's own error page (Kustomer's 400 "Invalid Client" for an app not installed).
   * Any other answer, a network error or a timeout lets the popup go on.
   */
  authorize_preflight: z
    .strictObject({
      method: z.literal('GET').default('GET'),
      refuse: z
        .array(
          z.strictObject({
            status: z.number().int().min(400).max(599),
            /** Case-insensitive text the response body must contain. */
            body_contains: z.string().min(1),
            /** Stable code the attempt ends with; the message comes from `error_translations`. */
            reason: z.string().regex(/^[a-z][a-z0-9_]*$/),
          }),
        )
        .min(1),
    })
    .optional(),
  // Other grants, post-auth discovery, callback values (grants-schema.ts).
  ...grantKeys,
});
const oauth2Schema = oauth2Fields.check(requireAuthorizeUrl);

const apiKeySchema = z.strictObject({ type: z.literal('api_key') });

const requestTemplateSchema = z.strictObject({
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
  path: z.string().startsWith('/'),
  query: z.record(z.string(), z.string()).default({}),
});

export const connectorSchema = z.strictObject({
  /** The JSON Schema editors validate the file with (`./schema.json`); ignored by the server. */
  $schema: z.string().optional(),
  key: z.string().regex(/^[a-z][a-z0-9_-]*$/),
  name: z.string().min(1),
  version: z.string().default('1.0.0'),
  description: z.string().default(''),
  categories: z.array(categorySchema).min(1),
  /** A file name under the connector's directory (served at /connectors/logos/{key}). */
  logo: z.string().optional(),
  auth: z.discriminatedUnion('type', [oauth2Schema, apiKeySchema]),
  environments: z
    .array(
      z.strictObject({
        key: z.string().min(1),
        label: z.string().min(1),
        /** Values available to templates as `${env.name}`. */
        values: z.record(z.string(), z.string()).default({}),
      }),
    )
    .min(1),
  setup_fields: z.array(fieldSchema).default([]),
  config_fields: z.array(fieldSchema).default([]),
  /** API base URL template; `${credentials.x}`, `${config.x}`, `${setup.x}`, `${env.x}` are filled in. */
  base_url: templateString,
  /**
   * Placeholders whose values are whole origins (`https://host[:port]`), allowed only at the
   * start of a URL template, e.g. `env.login_host`, `credentials.instance_url`. Every other
   * placeholder is a DNS label (a field with format `dns_label`) or a percent-encoded segment.
   */
  origins: z
    .array(
      z
        .string()
        .regex(
          /^(env|credentials|setup|config)\.[A-Za-z0-9_]+$/,
          'an origin is scope.name, e.g. env.login_host',
        ),
    )
    .default([]),
  /**
   * Host patterns the connector owns (`*.example.com` matches subdomains only). Requests with
   * the account's credentials never go anywhere else, whatever a template or caller says.
   */
  hosts: z.array(z.string().min(1)).min(1),
  /** How credentials go on each request. */
  inject: z.strictObject({
    headers: z.record(z.string(), z.string()).default({}),
    query: z.record(z.string(), z.string()).default({}),
  }),
  /** Run at connect time: the account is only created if this answers 2xx. */
  test_action: requestTemplateSchema.extend({ description: z.string().optional() }),
  /** Maps a provider error body to a readable message: JSON paths tried in order. */
  error_message_paths: z.array(jsonPathSchema).default(['message', 'error_description', 'detail', 'error']),
  /**
   * Human guidance, addressed to whoever performs it. `description` and `setup_steps` are the
   * company admin's (the dashboard's connector page); `end_user` is what the Hub shows the end
   * user. `{callback_url}` in any of them becomes this server's OAuth redirect URI.
   */
  guide: z
    .strictObject({
      support_link: z.string().optional(),
      description: z.string().optional(),
      setup_steps: z.array(z.string()).default([]),
      end_user: z
        .strictObject({
          /** The Hub's "Connection guide" link; the admin's `support_link` is not shown to end users. */
          support_link: z.string().optional(),
          description: z.string().optional(),
          steps: z.array(z.string()).default([]),
        })
        .default({ steps: [] }),
    })
    .default({ setup_steps: [], end_user: { steps: [] } }),
  notices: z
    .array(
      z.strictObject({
        key: z.string(),
        type: z.enum(['info', 'warning']),
        description: z.string(),
        position: z.enum(['top', 'bottom']).optional(),
        anchor: z.string().optional(),
      }),
    )
    .default([]),
  /** Provider error translations: when a provider error matches, show this message instead. */
  error_translations: z
    .array(
      z.strictObject({
        match: z.string().min(1),
        message: z.string().min(1),
      }),
    )
    .default([]),
  /** Named, typed operations run by `/actions/rpc` and MCP (see action-schema.ts). */
  actions: z.array(actionSchema).default([]),
});

export type Connector = z.infer<typeof connectorSchema> & { logoPath?: string };
export type OAuth2Auth = Extract<Connector['auth'], { type: 'oauth2' }>;

/** The JSON Schema of a connector file as an author writes it (defaults may be left out). */
export function connectorJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(connectorSchema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }),
    title: 'Switchboard connector',
    description:
      'One provider: how to link an account, where its API is, and its actions (docs/connectors.md).',
  };
}
