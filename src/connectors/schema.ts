import { z } from 'zod';
import { rateLimitRulesSchema } from './rate-limit.js';
import { actionSchema } from './action-schema.js';
import { jsonPathSchema } from './json-path.js';
import { setupHelperSchema } from './setup-helper-schema.js';
import { grantKeys, requireAuthorizeUrl } from './grants-schema.js';
import { eventsSchema } from './events-schema.js';
import { CATEGORIES } from '../contract/categories.js';

export { CATEGORIES };
/** StackOne's closed category list, kept in src/contract/categories.ts with its labels. */
export const categorySchema = z.enum(CATEGORIES);

const templateString = z.string().min(1);

/** A field the company (setup) or the end user (config) fills. */
export const fieldSchema = z.strictObject({
  key: z
    .string()
    .regex(/^[a-z][a-z0-9_]*$/, 'field keys are snake_case')
    .describe("The value's name; templates use it as `${setup.key}` or `${config.key}`."),
  label: z.string().min(1).describe('Shown in forms and in messages ("Client ID is required").'),
  type: z
    .enum(['text', 'password', 'number', 'text_area', 'select'])
    .describe('`number` accepts digits only; `select` must match one of `options` when options are given.'),
  required: z.boolean().default(false),
  secret: z
    .boolean()
    .default(false)
    .describe('Stored encrypted and shown redacted. A `password` field is always secret.'),
  placeholder: z.string().optional().describe('Shown in the empty input in the Hub.'),
  description: z.string().optional().describe('One line of help under the input: where to find the value.'),
  default: z
    .string()
    .optional()
    .describe('Used when an optional field is left empty; pre-filled in the Hub.'),
  format: z
    .enum(['dns_label', 'email', 'url'])
    .optional()
    .describe(
      'A built-in check, on the server and as the input pattern in the Hub. `dns_label`: letters, digits and hyphens, 1–63 characters, not starting with a hyphen (required for a value in a URL host).',
    ),
  pattern: z
    .string()
    .optional()
    .describe('A JavaScript regular expression the value must match, as written: anchor it (`^…$`).'),
  pattern_message: z
    .string()
    .optional()
    .describe('What the Hub says when `format` or `pattern` fails, in plain words.'),
  max_length: z.number().int().positive().default(2048),
  options: z
    .array(z.strictObject({ value: z.string(), label: z.string() }))
    .optional()
    .describe('The choices of a `select` field.'),
});
export type Field = z.infer<typeof fieldSchema>;

const scopesSchema = z.strictObject({
  from: z
    .enum(['setup', 'config', 'default'])
    .default('default')
    .describe('Where the scopes come from: a setup field, a config field, or only `default`.'),
  field: z.string().optional().describe('The field that holds the scopes when `from` is setup or config.'),
  default: z.string().describe('The scopes used when the field is empty (or always, with `from: default`).'),
  separator: z.string().default(' ').describe('How the provider separates scopes: a space, or `,`.'),
  always_include: z
    .array(z.string())
    .default([])
    .describe("Scopes added when the user's list lacks them (Kustomer's `offline_access`)."),
  require_one_of: z
    .array(z.string())
    .default([])
    .describe('At least one of these must be present, else the profile or link is refused.'),
  send: z
    .boolean()
    .default(true)
    .describe(
      'Whether the authorize URL carries a `scope` parameter. Set false for providers whose app settings fix the scopes and that refuse a `scope` parameter.',
    ),
});

// Token endpoint requests and responses described as data (HTTP Basic, JSON bodies, extra
// parameters, other token types, kept response values); read by src/core/linking/oauth2/token-endpoint.ts.
const tokenParams = z.record(z.string(), templateString);
/** An HTTP header name (an RFC 9110 token). */
const headerName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'a header name');

const tokenRequestSchema = z.strictObject({
  body_format: z
    .enum(['form', 'json'])
    .default('form')
    .describe(
      'How token requests are encoded: `form` (application/x-www-form-urlencoded, the OAuth standard) or `json` (the same parameters as one JSON object, for providers that only read JSON).',
    ),
  params: tokenParams
    .default({})
    .describe(
      'Extra parameters on every token request (code exchange and refresh); values are templates, e.g. `{"audience": "${env.api_audience}"}`.',
    ),
  code_params: tokenParams
    .default({})
    .describe('Extra parameters on the code exchange only, e.g. `{"user_type": "admin"}`.'),
  refresh_params: tokenParams
    .default({})
    .describe('Extra parameters on refresh requests only, e.g. `{"scope": "${setup.scopes}"}`.'),
  headers: z
    .record(headerName, templateString)
    .default({})
    .describe(
      'Fixed headers on token, refresh and revocation requests (the top-level `headers` go on API calls only), e.g. Notion\'s `{"Notion-Version": "2025-09-03"}`. Templates may name env, setup and non-secret config values.',
    ),
});

const revokeRequestSchema = z.strictObject({
  body_format: z
    .enum(['form', 'json'])
    .default('form')
    .describe(
      'How the revocation request is encoded: `form` (`token=…`, RFC 7009) or `json` (`{"token": …}`, for providers that only read JSON).',
    ),
  client_auth: z
    .boolean()
    .default(false)
    .describe(
      'Whether the revocation request authenticates the client as `token_auth` says (HTTP Basic, or `client_id` and `client_secret` in the body), as RFC 7009 §2.1 asks of confidential clients.',
    ),
});

const tokenResponseSchema = z.strictObject({
  token_types: z
    .array(z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]*$/, 'a token type is a word such as bot'))
    .default([])
    .describe(
      'Token types accepted besides `bearer` and `dpop` (compared case-insensitively), e.g. `["bot"]`. The token is still sent as `inject` says.',
    ),
  allow_missing_token_type: z
    .boolean()
    .default(false)
    .describe(
      'Accept a token response without `token_type` and read it as `bearer`. Use only for providers that leave the field out.',
    ),
  keep: z
    .record(z.string().regex(/^[a-z][a-z0-9_]*$/, 'kept names are snake_case'), jsonPathSchema)
    .default({})
    .describe(
      'Values of the token response kept with the credentials, by name: a JSONPath each, e.g. `{"team_id": "$.team.id"}`. Templates read them as `${credentials.team_id}`.',
    ),
});

/** The keys of `auth` (oauth2) that describe token requests and responses as data; all optional. */
const oauth2DataKeys = {
  refresh_url: templateString
    .optional()
    .describe(
      'Where refresh requests go, when not the token URL: a URL template on a host the connector owns, e.g. `https://auth.example-crm.test/oauth/refresh`.',
    ),
  issuer: z
    .union([templateString, z.array(templateString).min(2).max(5)])
    .optional()
    .describe(
      'The `iss` an id_token must carry (when the provider returns one, e.g. with the `openid` scope): a template such as `https://login.example-id.test/${config.tenant}/v2.0`, or a list of the spellings the provider documents (Google: `["https://accounts.google.com", "accounts.google.com"]`). Default: the token URL\'s origin. `any` skips the issuer check (audience and expiry are still checked).',
    ),
  token_request: tokenRequestSchema
    .prefault({})
    .describe('How token requests are sent: body encoding and extra parameters.'),
  token_response: tokenResponseSchema
    .prefault({})
    .describe('How token responses are read: accepted token types and values kept with the credentials.'),
};

const oauth2Fields = z.strictObject({
  type: z.literal('oauth2'),
  client_from: z
    .enum(['setup', 'config'])
    .describe("Where the OAuth client id and secret live: the profile's `setup` or the end user's `config`."),
  client_id_field: z.string().default('client_id').describe('The field holding the client id.'),
  client_secret_field: z.string().default('client_secret').describe('The field holding the client secret.'),
  authorization_url: templateString
    .or(z.literal(''))
    .default('')
    .describe(
      'The authorize endpoint the popup opens (a URL template); required by the authorization code grant, none with client credentials.',
    ),
  token_url: templateString.describe('The token endpoint (a URL template).'),
  revoke_url: templateString
    .optional()
    .describe('The token revocation endpoint (RFC 7009), called when an account is deleted.'),
  revoke_request: revokeRequestSchema
    .default({ body_format: 'form', client_auth: false })
    .describe('How the revocation request is sent.'),
  scopes: scopesSchema
    .default({
      from: 'default',
      default: '',
      separator: ' ',
      always_include: [],
      require_one_of: [],
      send: true,
    })
    .describe('Which scopes are asked for, and how they are written.'),
  pkce: z
    .strictObject({
      supported: z.boolean().describe('Whether the provider accepts PKCE (S256).'),
      default: z.boolean().describe('Whether a new profile sends it; a profile may turn it off.'),
    })
    .default({ supported: false, default: false })
    .describe('Proof Key for Code Exchange (RFC 7636).'),
  token_auth: z
    .enum(['client_secret_post', 'client_secret_basic'])
    .default('client_secret_post')
    .describe('How the client authenticates at the token endpoint: in the form body, or HTTP Basic.'),
  keep_token_fields: z
    .array(z.string())
    .default([])
    .describe("Top-level token-response fields kept with the credentials (Salesforce's `instance_url`)."),
  default_expires_in: z
    .number()
    .int()
    .positive()
    .nullable()
    .default(null)
    .describe('Seconds, when the token response has no `expires_in`; null: the token has no known expiry.'),
  keep_alive_days: z
    .number()
    .positive()
    .nullable()
    .default(null)
    .describe(
      'Refresh at least this often even when the access token does not expire, so refresh tokens that die when unused stay alive.',
    ),
  authorize_params: z
    .record(z.string(), z.string())
    .default({})
    .describe('Extra query parameters on the authorize URL, e.g. `{"access_type": "offline"}`.'),
  authorize_preflight: z
    .strictObject({
      method: z.literal('GET').default('GET'),
      refuse: z
        .array(
          z.strictObject({
            status: z.number().int().min(400).max(599),
            body_contains: z
              .string()
              .min(1)
              .describe('Case-insensitive text the response body must contain.'),
            reason: z
              .string()
              .regex(/^[a-z][a-z0-9_]*$/)
              .describe('The code the attempt ends with; its message comes from `error_translations`.'),
          }),
        )
        .min(1),
    })
    .optional()
    .describe(
      'GET the authorize URL server-side (no redirects) before the popup goes there; these answers end the attempt instead of stranding the end user on the provider\'s error page (Kustomer\'s 400 "Invalid Client").',
    ),
  ...oauth2DataKeys,
  // Other grants, post-auth discovery, callback values (grants-schema.ts).
  ...grantKeys,
});
const oauth2Schema = oauth2Fields.check(requireAuthorizeUrl);

const apiKeySchema = z.strictObject({ type: z.literal('api_key') });

const requestTemplateSchema = z.strictObject({
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
  path: z.string().startsWith('/').describe('A path under `base_url`, e.g. `/v1/users/me`.'),
  query: z.record(z.string(), z.string()).default({}).describe('Query parameters, sent as written.'),
});

/** The connect-time check: a request that must answer 2xx (and, if `expect` says so, the right body). */
const testActionSchema = requestTemplateSchema.extend({
  description: z
    .string()
    .optional()
    .describe('What the check reads, for the admin (e.g. "Reads the authorizing user").'),
  body: z
    .json()
    .optional()
    .describe(
      'A JSON body sent with the test request (as application/json), e.g. `{"limit": 1}`. Not for GET.',
    ),
  base_url: templateString
    .optional()
    .describe(
      'Where the test request goes when not `base_url`, e.g. an identity endpoint on another host the connector owns: `https://id.example-crm.test`.',
    ),
  expect: z
    .strictObject({
      path: jsonPathSchema.describe('A JSONPath into the answer, e.g. `$.ok`.'),
      equals: z
        .union([z.string(), z.number(), z.boolean(), z.null()])
        .describe('The value the path must select, e.g. `true`.'),
    })
    .optional()
    .describe(
      'A check on the body of a 2xx answer, for providers that answer 200 to bad credentials: `{"path": "$.ok", "equals": true}`. An answer that fails it refuses the credentials.',
    ),
});

/** One language's end-user texts of a connector; anything left out stays in English. */
const translationSchema = z.strictObject({
  fields: z
    .record(
      z.string(),
      z.strictObject({
        label: z.string().min(1).optional(),
        description: z.string().optional(),
        placeholder: z.string().optional(),
        pattern_message: z.string().optional(),
        options: z
          .record(z.string(), z.string())
          .optional()
          .describe("A `select` field's option labels: value → label."),
      }),
    )
    .default({})
    .describe(
      '`config_fields` texts by field key: `label`, `description`, `placeholder`, `pattern_message`, `options`.',
    ),
  guide: z
    .strictObject({
      description: z.string().optional().describe('`guide.end_user.description`.'),
      steps: z
        .array(z.string())
        .optional()
        .describe('`guide.end_user.steps`: all of them, in the same order (as many as in English).'),
    })
    .optional(),
  notices: z.record(z.string(), z.string()).default({}).describe('Notice `description`s by notice key.'),
});

export const connectorSchema = z.strictObject({
  $schema: z
    .string()
    .optional()
    .describe('The JSON Schema editors check the file with (`./schema.json`); the server ignores it.'),
  key: z
    .string()
    .regex(
      /^[a-z][a-z0-9]{1,39}$/,
      'a connector key is 2–40 lowercase letters and digits: tool names are <key>_<action>, read up to the first "_"',
    )
    .describe('The connector id in URLs, API bodies and tool names, e.g. `hubspot`.'),
  name: z
    .string()
    .min(1)
    .describe('Display name, used in the Hub and in messages ("Kustomer rejected the credentials: …").'),
  version: z.string().default('1.0.0').describe("Shown to the Hub as the integration's `version`."),
  description: z
    .string()
    .default('')
    .describe('One line on what the connector reaches; returned by `GET /connectors/meta`.'),
  categories: z
    .array(categorySchema)
    .min(1)
    .describe(
      "StackOne's categories; the first is the connector's `category`. Connect sessions filter on these.",
    ),
  logo: z
    .string()
    .optional()
    .describe(
      'A file beside the connector file (SVG or PNG, inside its directory), served at `/connectors/logos/{key}`.',
    ),
  auth: z
    .discriminatedUnion('type', [oauth2Schema, apiKeySchema])
    .describe(
      'How an account is linked: `oauth2` (a consent popup) or `api_key` (the config fields are the credentials).',
    ),
  environments: z
    .array(
      z.strictObject({
        key: z.string().min(1).describe('The environment id a profile names, e.g. `sandbox`.'),
        label: z.string().min(1).describe('Shown in the dashboard, e.g. "Sandbox".'),
        values: z
          .record(z.string(), z.string())
          .default({})
          .describe('Values available to templates as `${env.name}`.'),
      }),
    )
    .min(1)
    .describe('Production, sandbox …: a profile picks one, the first is the default. Keys are unique.'),
  setup_fields: z
    .array(fieldSchema)
    .default([])
    .describe('What the company enters in the connector profile (`${setup.x}`).'),
  config_fields: z
    .array(fieldSchema)
    .default([])
    .describe('What the end user enters in the Hub (`${config.x}`).'),
  base_url: templateString.describe(
    "The provider API's base URL, a template: `${credentials.x}`, `${config.x}`, `${setup.x}` and `${env.x}` are filled in.",
  ),
  origins: z
    .array(
      z
        .string()
        .regex(
          /^(env|credentials|setup|config)\.[A-Za-z0-9_]+$/,
          'an origin is scope.name, e.g. env.login_host',
        ),
    )
    .default([])
    .describe(
      'Placeholders whose values are whole origins (`https://host[:port]`), allowed only at the start of a URL template, e.g. `env.login_host`, `credentials.instance_url`. Any other placeholder is a DNS label (a `dns_label` field) or a percent-encoded segment.',
    ),
  hosts: z
    .array(z.string().min(1))
    .min(1)
    .describe(
      "Host patterns the connector owns (`*.example.com` matches subdomains only). The account's credentials never go anywhere else, whatever a template or caller says.",
    ),
  inject: z
    .strictObject({
      headers: z
        .record(z.string(), z.string())
        .default({})
        .describe(
          'Credential headers: name → template, e.g. `{"authorization": "Bearer ${credentials.access_token}"}`.',
        ),
      query: z
        .record(z.string(), z.string())
        .default({})
        .describe('Credential query parameters: name → template.'),
      basic: z
        .strictObject({
          username: templateString.describe('A template, e.g. `${config.api_key}`.'),
          password: z.string().describe('A template or a fixed text, e.g. `X`; may be empty.'),
        })
        .optional()
        .describe(
          'HTTP Basic credentials from fields: the rendered `username:password`, base64-encoded, goes in `Authorization: Basic …`. E.g. `{"username": "${config.api_key}", "password": "X"}`.',
        ),
    })
    .describe('How the credentials go on each request: headers, query parameters or HTTP Basic.'),
  headers: z
    .record(headerName, z.string())
    .default({})
    .describe(
      'Fixed headers on every provider call (proxy, actions, test action) that are not credentials, e.g. `{"Example-Version": "${env.api_version}"}`. Templates may name env, setup and non-secret config values; credentials go in `inject`. A header naming an optional field left empty is not sent (Stripe\'s `{"Stripe-Account": "${config.stripe_account}"}`).',
    ),
  rate_limit: rateLimitRulesSchema.optional(),
  test_action: testActionSchema.describe(
    'The request run at connect time: the account is created only if it answers 2xx (and passes `expect`).',
  ),
  error_message_paths: z
    .array(jsonPathSchema)
    .default(['message', 'error_description', 'detail', 'error'])
    .describe(
      "Where the provider's message is in a JSON error body, tried in order (JSONPath or dot paths).",
    ),
  error_message_header: z
    .string()
    .regex(/^[A-Za-z0-9-]+$/, 'a header name')
    .optional()
    .describe(
      "A response header that carries the provider's message for an error (BambooHR's `X-BambooHR-Error-Message`), read before `error_message_paths`.",
    ),
  guide: z
    .strictObject({
      support_link: z
        .string()
        .optional()
        .describe("The admin's link to the provider's set-up documentation."),
      description: z
        .string()
        .optional()
        .describe("What the admin sets up, on the dashboard's connector page."),
      setup_steps: z.array(z.string()).default([]).describe("The admin's steps, one sentence each."),
      end_user: z
        .strictObject({
          support_link: z
            .string()
            .optional()
            .describe(
              'The Hub\'s "Connection guide" link; the admin\'s `support_link` is not shown to end users.',
            ),
          description: z.string().optional().describe('What the end user is about to do, in plain words.'),
          steps: z
            .array(z.string())
            .default([])
            .describe("The end user's steps, shown beside the Hub's form."),
        })
        .default({ steps: [] }),
    })
    .default({ setup_steps: [], end_user: { steps: [] } })
    .describe(
      "Help text, addressed to whoever performs it; `{callback_url}` in any of it becomes this server's OAuth redirect URI.",
    ),
  notices: z
    .array(
      z.strictObject({
        key: z.string().describe('A stable id of the notice.'),
        type: z.enum(['info', 'warning']).describe('How the Hub shows it.'),
        description: z.string().describe('The note, in plain words for the end user.'),
        position: z.enum(['top', 'bottom']).optional().describe('Above or below the form.'),
        anchor: z.string().optional().describe('A field key: the notice is shown before that field.'),
      }),
    )
    .default([])
    .describe("Notes shown in the Hub's form."),
  translations: z
    .record(z.string().regex(/^[a-z]{2,3}$/, 'a base language subtag such as "fr"'), translationSchema)
    .default({})
    .describe(
      'The end user\'s texts in other languages, by base language ("fr", "de"): field labels and help, the end-user guide and notices. The Hub picks the language of the connect session (else the browser\'s); anything missing is shown in English. `{callback_url}` works as in `guide`.',
    ),
  error_translations: z
    .array(
      z.strictObject({
        match: z.string().min(1).describe("Text in the provider's error (case-insensitive)."),
        message: z.string().min(1).describe('What to say instead: what happened and what to do.'),
      }),
    )
    .default([])
    .describe('Friendlier messages for known provider errors, tried in order.'),
  sources: z
    .array(
      z.strictObject({
        url: z.url().describe("A page of the provider's documentation or specification."),
        covers: z.string().min(1).describe('Which facts of this file the page is the source of.'),
      }),
    )
    .default([])
    .describe(
      'Where the provider facts in this file come from (URLs, scopes, headers, paging): one entry per source.',
    ),
  setup_helper: setupHelperSchema.optional(),
  /** Named, typed operations run by `/actions/rpc` and MCP (see action-schema.ts). */
  actions: z
    .array(actionSchema)
    .default([])
    .describe('Named, typed provider requests run by `/actions/rpc` and MCP.'),
  events: eventsSchema.optional(),
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
