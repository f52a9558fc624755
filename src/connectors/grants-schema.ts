// The OAuth connector keys for other grants and for values found after sign-in: the client
// credentials grant, post-auth discovery calls, values kept from the callback query and the
// callback's HMAC check. schema.ts spreads `grantKeys` into its oauth2 object.
import { z } from 'zod';
import { jsonPathSchema } from './json-path.js';

/** A name a value is stored under with the credentials, read by templates as `${credentials.name}`. */
const credentialName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'a credentials name is letters, digits and _, e.g. cloud_id');

/** One discovery call made right after the token is issued (and before the test action). */
export const postAuthStepSchema = z.strictObject({
  request: z
    .strictObject({
      method: z.enum(['GET', 'POST']).default('GET').describe('HTTP method of the discovery call.'),
      url: z
        .string()
        .min(1)
        .describe(
          "URL template on a host the connector owns, e.g. `https://api.example.test/tenants`, or a path such as `/connections` on the base URL's origin (use a full URL when `base_url` names a value this step finds). The connector's `inject` headers carry the new token.",
        ),
      headers: z
        .record(z.string(), z.string())
        .default({})
        .describe('Extra request headers (templates), e.g. `{"accept": "application/json"}`.'),
    })
    .describe('The call that finds the values, sent with the freshly issued credentials.'),
  pick: z
    .record(credentialName, jsonPathSchema)
    .refine((m) => Object.keys(m).length > 0, 'pick names at least one value')
    .describe(
      `Values to keep with the credentials: name → JSONPath into the chosen item, e.g. \`{"cloud_id": "$.id"}\`; each becomes \`\${credentials.name}\`.`,
    ),
  select: z
    .union([z.literal('first'), jsonPathSchema])
    .optional()
    .describe(
      'Which item of the answer to pick from: `first` (the first element of a list), or a JSONPath selecting candidates, e.g. `$[?@.default == true]`. Left out: a list answer is the candidates, any other answer is the one item. When several candidates remain, the end user chooses one if the step has a `label`; otherwise the first is linked and the choice is recorded.',
    ),
  label: jsonPathSchema
    .optional()
    .describe(
      'JSONPath into a candidate for the name the end user knows it by, e.g. `$.tenantName`. With it, a sign-in that finds several candidates asks the end user which one to connect (in the sign-in window, in their language); a candidate without a name is shown by its position.',
    ),
});
export type PostAuthStep = z.infer<typeof postAuthStepSchema>;

/** How the provider signs its redirect to the callback (Shopify's `hmac` query parameter). */
export const callbackHmacSchema = z.strictObject({
  param: z
    .string()
    .min(1)
    .default('hmac')
    .describe('The query parameter holding the signature, e.g. `hmac`.'),
  secret_field: z
    .string()
    .min(1)
    .default('client_secret')
    .describe('The setup or config field whose value is the signing key, usually the client secret.'),
  algorithm: z.enum(['sha256']).default('sha256').describe('The HMAC hash.'),
  encoding: z.enum(['hex', 'base64']).default('hex').describe('How the signature is written in the query.'),
});
export type CallbackHmac = z.infer<typeof callbackHmacSchema>;

/** The keys schema.ts adds to its oauth2 object. */
export const grantKeys = {
  grant: z
    .enum(['authorization_code', 'client_credentials'])
    .default('authorization_code')
    .describe(
      'The OAuth grant. `authorization_code` (the default) signs the end user in through the popup. `client_credentials` asks for the client id and secret in the Hub form (or takes them from the setup, per `client_from`) and mints the token server-side; it is minted again when it expires.',
    ),
  grant_params: z
    .record(z.string(), z.string())
    .default({})
    .describe(
      `Extra form parameters of the client-credentials token request (templates over config, setup and env), e.g. \`{"sub": "\${config.user_id}"}\`.`,
    ),
  post_auth: z
    .array(postAuthStepSchema)
    .default([])
    .describe(
      'Discovery calls run after the token is issued and before the test action, in order; each keeps values with the credentials (a Jira-style cloud id, a tenant id). A failing call ends the link attempt.',
    ),
  callback_params: z
    .array(credentialName)
    .default([])
    .describe(
      `Query parameters of the provider's redirect to keep with the credentials, e.g. \`["realmId"]\` becomes \`\${credentials.realmId}\`. A missing one ends the link attempt.`,
    ),
  callback_hmac: callbackHmacSchema
    .optional()
    .describe(
      "Checks the provider's signature of the callback query (Shopify's `hmac`) before anything else; a wrong or missing signature refuses the callback.",
    ),
};

/** The authorization code grant needs an authorize URL; the client credentials grant has none. */
export const requireAuthorizeUrl = z.superRefine(
  (auth: { grant: string; authorization_url: string }, ctx) => {
    if (auth.grant === 'authorization_code' && !auth.authorization_url)
      ctx.addIssue({
        code: 'custom',
        path: ['authorization_url'],
        message: 'the authorization code grant needs an authorization_url',
      });
  },
);
