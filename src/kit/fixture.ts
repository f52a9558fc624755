// A connector's fixture: the few values and records the generic fake provider needs to play the
// provider for the contract checks (`connectors/fixtures/<key>.json`). Everything else the fake
// knows comes from the connector file itself.
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

const values = z.record(z.string(), z.string());

const DEFAULT_CODE_TTL = 600;
const DEFAULT_DENIED = 'end-user denied authorization';
const RATE_LIMITED = { error: 'rate_limited' };

const signatureSchema = z.strictObject({
  /** The token-answer field the signature is sent in. */
  param: z.string().min(1).default('signature'),
  /** The token fields signed, concatenated in this order (`["id", "issued_at"]`). */
  of: z.array(z.string().min(1)).min(1),
  algorithm: z.enum(['sha1', 'sha256']).default('sha256'),
  encoding: z.enum(['base64', 'hex']).default('base64'),
});

const answerSchema = z.strictObject({
  status: z.number().int().min(100).max(599).default(200),
  /** A JSON value, or a string sent as text. */
  body: z.unknown(),
});

/** A `post_auth` answer; with several candidates and a step `label`, the end user chooses one. */
const discoveryAnswerSchema = answerSchema.extend({
  /**
   * The position of the option the end user chooses when the step asks (the last one when left
   * out, so that the check proves the choice is linked, not simply the first candidate).
   */
  choose: z.number().int().min(0).optional(),
});

const actionFixtureSchema = z.strictObject({
  $comment: z.string().optional(),
  /** The action's input for the check (path, query and body values together). */
  input: z.record(z.string(), z.unknown()).default({}),
  /** Provider-shaped records: served at the action's `result.data` path, page by page. */
  records: z.array(z.unknown()).min(1),
  /** Records per page; a paging action needs more records than this so that there are two pages. */
  page_size: z.number().int().positive().default(2),
  /**
   * The record path that holds the id an action reading one record names in its path
   * (`"id"`, `"Id"`): the fake then serves whichever of `records` the request names, and answers
   * `api.not_found` for an id none of them holds. Without it only the input's own id is known.
   */
  key: z.string().min(1).optional(),
  /**
   * Other answers at the action's address, by the request's query: a request whose query carries
   * every one of `query`'s values gets `records` (paged as the action pages) or `answer` instead
   * of the action's own records (a filter, another SOQL text, a query the provider refuses).
   */
  variants: z
    .array(
      z.strictObject({
        query: values.refine((q) => Object.keys(q).length > 0, 'a variant names at least one query value'),
        records: z.array(z.unknown()).optional(),
        answer: answerSchema.optional(),
      }),
    )
    .default([]),
});

const routeSchema = z.strictObject({
  $comment: z.string().optional(),
  /** A host the connector owns. */
  host: z.string().min(1),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
  path: z.string().startsWith('/'),
  /** Whether the request must carry the credentials as the connector's `inject` says. */
  auth: z.boolean().default(true),
  status: z.number().int().min(100).max(599).default(200),
  body: z.unknown().default({}),
});

/** One provider-shaped delivery for the events check, sent with the fake's `deliver`. */
const deliverySchema = z.strictObject({
  $comment: z.string().optional(),
  /** The provider's payload: JSON, or a text sent as it is (XML connectors: the SOAP text). */
  body: z.unknown().refine((b) => b !== undefined, 'a delivery needs a body'),
  /**
   * Headers the provider adds (GitHub's `X-GitHub-Event`); signatures, timestamps and a header
   * event id left out are filled in by the fake.
   */
  headers: values.optional(),
});

export const fixtureSchema = z.strictObject({
  $comment: z.union([z.string(), z.array(z.string())]).optional(),
  /** The connector key this fixture plays the provider for. */
  connector: z.string().min(1),
  /** The environment the account is linked in (default: the connector's first one). */
  environment: z.string().optional(),
  /** The connector profile's setup values (an OAuth client from `setup`). */
  setup: values.default({}),
  /** The end user's Hub values (an API key, an OAuth client from `config`, an org name). */
  config: values.default({}),
  /** Config values the provider refuses (API-key connectors; default: each secret value reversed). */
  bad_config: values.optional(),
  token: z
    .strictObject({
      /** `expires_in` of every token answer; null leaves it out. */
      expires_in: z.number().int().positive().nullable().default(3600),
      /** Extra token-response fields (Salesforce's `instance_url`, `id`, `issued_at`); may nest, for `token_response.keep`. */
      fields: z.record(z.string(), z.unknown()).default({}),
      /** Whether each refresh hands out a new refresh token (the old one then counts as reused). */
      rotate: z.boolean().default(true),
      /**
       * Whether the code exchange hands out a refresh token at all (default true). False plays a
       * provider whose tokens last until revoked (Intercom, Slack without token rotation): the
       * contract then checks that nothing is refreshed and a refused token asks for reconnecting.
       */
      refresh_token: z.boolean().default(true),
      /**
       * The `token_type` of every token answer (default `Bearer`): a type from the connector's
       * `token_response.token_types`, or null to leave it out (`allow_missing_token_type`).
       */
      token_type: z.string().min(1).nullable().default('Bearer'),
      /**
       * A signature the token answer carries (Salesforce's `signature`): the HMAC, keyed with the
       * client secret, of the named token fields' values concatenated in order.
       */
      signature: signatureSchema.optional(),
      /**
       * Scopes of which the authorize request must name one for the code exchange to hand out a
       * refresh token (Kustomer: `offline_access`; Salesforce: `refresh_token` or `offline_access`);
       * without one the answer has none. Unset: every code exchange gets one (see `refresh_token`).
       */
      refresh_scopes: z.array(z.string().min(1)).min(1).optional(),
    })
    .default({ expires_in: 3600, fields: {}, rotate: true, refresh_token: true, token_type: 'Bearer' }),
  authorize: z
    .strictObject({
      /** The provider's answer to an authorize request from a client it does not know. */
      unknown_client: answerSchema.default({ status: 400, body: { error: 'invalid_client' } }),
      /**
       * Values the provider adds to its redirect to the callback, for the connector's
       * `callback_params` (`{"realmId": "r-1"}`); templates read them as `${credentials.realmId}`.
       */
      callback_params: values.default({}),
      /** Seconds an authorization code can be exchanged for (default 600); a later exchange is invalid_grant. */
      code_ttl: z.number().int().positive().default(DEFAULT_CODE_TTL),
      /** The `error_description` of the redirect when the end user refuses (`denyNextAuthorization`). */
      denied_description: z.string().min(1).default(DEFAULT_DENIED),
      /**
       * Whether a refused authorize request whose client and redirect URI check out is sent back
       * to the callback with `error` and `error_description` (RFC 6749 §4.1.2.1), as Salesforce
       * does, instead of being answered with a 400 on the provider's page (default false).
       */
      redirect_errors: z.boolean().default(false),
    })
    .default({
      unknown_client: { status: 400, body: { error: 'invalid_client' } },
      callback_params: {},
      code_ttl: DEFAULT_CODE_TTL,
      denied_description: DEFAULT_DENIED,
      redirect_errors: false,
    }),
  api: z.strictObject({
    /**
     * The documented answer to a request without valid credentials (status default 401). A 2xx
     * here is a provider that answers 200 to bad credentials: the connector's `test_action.expect`
     * must then fail on this body.
     */
    error: answerSchema.extend({ status: z.number().int().min(200).max(599).default(401) }),
    /** The test action's answer. */
    test_action: answerSchema.default({ status: 200, body: {} }),
    /** The answer to a read of a record id the fixture does not hold (see `actions.<id>.key`). */
    not_found: answerSchema.default({ status: 404, body: { error: 'not_found' } }),
    /**
     * Answers by `inject` header or query name, for a provider that tells its credentials apart
     * (Oneflow: 403 for an unknown user, 401 for a bad token): used when that entry is the only
     * one wrong; any other wrong credential gets `error`.
     */
    refusals: z.record(z.string(), answerSchema).default({}),
    /**
     * A rate window the provider enforces by itself: past `requests` API calls in `seconds`, each
     * call is answered as the connector's first `rate_limit` rule declares until the window ends
     * (Oneflow: 2000 per 5 minutes). Unset: only `rateLimitNext` limits.
     */
    rate_window: z
      .strictObject({
        requests: z.number().int().positive(),
        seconds: z.number().int().positive(),
      })
      .optional(),
    /**
     * Headers the provider sends on every API answer (Kustomer's `x-ratelimit-limit`,
     * Salesforce's `Sforce-Limit-Info`); an answer's own headers win.
     */
    headers: values.default({}),
    /**
     * The body and extra headers of a rate-limited answer (`rateLimitNext`); its status and its
     * retry header come from the connector's `rate_limit`.
     */
    rate_limited: z
      .strictObject({ body: z.unknown().default(RATE_LIMITED), headers: values.default({}) })
      .default({ body: RATE_LIMITED, headers: {} }),
  }),
  /** How next-page links look: a root-relative path (`/v1/items?page=2`) or a whole URL. */
  next_link: z.enum(['path', 'url']).default('path'),
  /**
   * The origin of the fake's next-page links when the provider names another of its hosts there
   * (Front: the company's own `https://acme.api.frontapp.com`); the fake answers the API there too.
   */
  next_link_origin: z
    .string()
    .url()
    .refine((u) => u.startsWith('https://'), 'an https:// origin')
    .optional(),
  /** The query parameter the fake's next-page links carry the page number in. */
  page_param: z.string().min(1).default('page'),
  /**
   * A root-relative path under which the fake hands out next-page links as query locators,
   * `<path>/<locator>-<offset>` (Salesforce's `/services/data/v60.0/query/01g…-2000`), instead of
   * the request's URL with a page number; a locator it did not hand out is refused.
   */
  next_link_locator: z.string().startsWith('/').optional(),
  /**
   * The provider's answers to the connector's `post_auth` discovery calls, one per step in order
   * (`[{"body": [{"id": "cloud-1"}]}]`); the values the steps pick fill `${credentials.…}`.
   */
  post_auth: z.array(discoveryAnswerSchema).default([]),
  /**
   * The provider's rules for a subscription create request (connector events with a
   * `subscription`): when given, the fake refuses a create body that lacks a key of the create
   * template, names no provider event or one the connector does not declare, names more than
   * `max_events`, or (with `https_only`) a delivery URL that is not https:// (an http:// loopback
   * URL stands for the server under test); and a create or delete whose token answer listed a
   * scope without any of `requires_scope` (Kustomer: the `org.outbound_webhooks` role).
   */
  subscription: z
    .strictObject({
      $comment: z.string().optional(),
      /** Most provider events one subscription may name (Kustomer: 12). */
      max_events: z.number().int().positive().optional(),
      /** Whether the delivery URL must be https://. */
      https_only: z.boolean().default(false),
      /** The provider's answer to a create body it refuses. */
      refused: answerSchema.default({ status: 400, body: { error: 'bad_request' } }),
      /** The provider's answer to a subscription request whose grant lacks the scope. */
      forbidden: answerSchema.default({ status: 403, body: { error: 'forbidden' } }),
    })
    .optional(),
  /**
   * Connector events (a connector with `events`): `sample` is one delivery as the provider sends
   * it, and `event` the Switchboard event it must be stored as. The contract delivers it signed
   * as `events.verify` says and expects the `ack`, then delivers it forged (another secret) and
   * expects a refusal. For `events.secret: "none"` there is no secret to forge: `refused` is a
   * delivery the verify checks must refuse instead (Salesforce: another OrganizationId).
   */
  events: z
    .strictObject({
      $comment: z.string().optional(),
      sample: deliverySchema.extend({
        /** The Switchboard event the sample becomes (`github.issue.opened`). */
        event: z.string().min(1),
      }),
      refused: deliverySchema.optional(),
      /**
       * Config values the account needs for events beyond `config` (Kustomer: `scopes` naming
       * `org.outbound_webhooks`, the role its subscriptions require): the check first links the
       * account again with them.
       */
      config: values.optional(),
    })
    .optional(),
  /** Records per action id; every action of the connector needs one. */
  actions: z.record(z.string(), actionFixtureSchema).default({}),
  /** Extra answers for provider quirks beyond the connector's own URLs (an identity URL). */
  routes: z.array(routeSchema).default([]),
});

export type Fixture = z.infer<typeof fixtureSchema>;
export type ActionFixture = z.infer<typeof actionFixtureSchema>;

/** The folder of a connectors directory that holds its fixtures (the loader reads only top-level files). */
export const FIXTURES_DIR = 'fixtures';

/** The fixture file of a connector in a connectors directory. */
export const fixturePath = (connectorsDir: string, key: string): string =>
  path.join(connectorsDir, FIXTURES_DIR, `${key}.json`);

/** Reads and checks a fixture file; the message names the file and each problem's path. */
export async function loadFixture(file: string): Promise<Fixture> {
  let raw: unknown;
  try {
    raw = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`);
  }
  const parsed = fixtureSchema.safeParse(raw);
  if (!parsed.success)
    throw new Error(
      `${file}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}
