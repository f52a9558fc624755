// Connector events: how a provider's own webhooks reach Switchboard for a linked account, and how
// each of their items becomes a `{connector}.{resource}.{action}` event (docs/connectors.md,
// "Events"). schema.ts puts this object under the connector's `events` key.
import { z } from 'zod';
import { jsonPathSchema } from './json-path.js';

/**
 * A text built from the delivery: `${raw}` (the body as received), `${secret}` (the account's
 * inbound secret), `${header.name}` (lower case), `${body.a.b}` and `${item.a.b}` (dot paths into
 * the parsed body and the current item), `${credentials.x}` (a kept token field), `${account.id}`.
 */
export const deliveryTemplate = z
  .string()
  .max(2000)
  .describe(
    'A text from the delivery: `${raw}`, `${secret}`, `${header.name}`, `${body.a.b}`, `${item.a.b}`, `${credentials.x}`, `${account.id}`.',
  );

const algorithm = z.enum(['sha1', 'sha256']).describe('The hash function.');
const encoding = z.enum(['hex', 'base64']).default('hex').describe('How the provider writes the digest.');

const hmacCheck = z.strictObject({
  type: z.literal('hmac').describe('An HMAC of `message` keyed with the account secret.'),
  algorithm,
  message: deliveryTemplate.describe('What is signed, e.g. `${header.x-timestamp}${raw}`.'),
  encoding,
  signature: deliveryTemplate.describe('Where the signature is, e.g. `${header.x-signature}`.'),
  also_accept: z
    .array(deliveryTemplate)
    .max(3)
    .default([])
    .describe(
      'Other messages whose HMAC is accepted too, for a provider whose own documents disagree on what is signed (e.g. the timestamp before or after the body). Pair it with a `timestamp` check, so that the parts cannot be shifted from one to the other.',
    ),
  prefix: z
    .string()
    .max(20)
    .default('')
    .describe(
      'Text before the digest in `signature`, e.g. `sha256=`; several signatures separated by spaces or commas are each tried.',
    ),
});

const digestCheck = z.strictObject({
  type: z
    .literal('digest')
    .describe('A plain hash of `message` (which names `${secret}`), compared with `signature`.'),
  algorithm,
  message: deliveryTemplate.describe('What is hashed, e.g. `${body.callback_id}${secret}`.'),
  encoding,
  signature: deliveryTemplate.describe('Where the digest is, e.g. `${body.signature}`.'),
});

const equalsCheck = z.strictObject({
  type: z.literal('equals').describe('Two texts must be equal (compared in constant time).'),
  value: deliveryTemplate.describe('From the delivery, e.g. `${header.x-hook-secret}`.'),
  expected: deliveryTemplate.describe('What it must be, e.g. `${secret}`.'),
  extract: z
    .string()
    .max(200)
    .optional()
    .describe('A regular expression with one group, applied to `expected` first (e.g. an id inside a URL).'),
  length: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('Compare only the first so many characters of both (e.g. 15 for Salesforce ids).'),
});

const timestampCheck = z.strictObject({
  type: z
    .literal('timestamp')
    .describe('A signed timestamp must be recent: replays of old deliveries are refused.'),
  value: deliveryTemplate.describe('The timestamp, e.g. `${header.x-timestamp}`.'),
  format: z.enum(['unix_seconds', 'iso']).default('unix_seconds'),
  tolerance_seconds: z.number().int().positive().max(86_400).default(300),
});

export const verifyCheckSchema = z.discriminatedUnion('type', [
  hmacCheck,
  digestCheck,
  equalsCheck,
  timestampCheck,
]);
export type VerifyCheck = z.infer<typeof verifyCheckSchema>;

const condition = z.strictObject({
  path: jsonPathSchema.optional().describe('A path into the parsed body (give `path` or `value`).'),
  value: deliveryTemplate
    .optional()
    .describe('A text from the delivery, e.g. `${header.x-github-event}` (give `path` or `value`).'),
  equals: z.string().describe('The value that matches.'),
});

/** A provider request made for an event: the subscription's create and delete, a hydration. */
export const eventRequestSchema = z.strictObject({
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
  path: z
    .string()
    .startsWith('/')
    .describe(
      'A path under `base_url`; `${event.x}` values are percent-encoded (see the request keys for what `event` holds).',
    ),
  query: z.record(z.string(), z.string()).default({}),
  body: z
    .record(z.string(), z.unknown())
    .optional()
    .describe(
      'A JSON body; a string leaf that is exactly `${event.x}` becomes the value as it is (a list stays a list).',
    ),
});
export type EventRequest = z.infer<typeof eventRequestSchema>;

const eventTypeSchema = z.strictObject({
  name: z
    .string()
    .regex(
      /^[a-z][a-z0-9]*\.[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/,
      'an event name is {connector}.{resource}.{action}, e.g. oneflow.contract.signed',
    )
    .describe('The Switchboard event name, `{connector}.{resource}.{action}`.'),
  label: z.string().min(1).describe('Shown in the dashboard, e.g. "Contract signed".'),
  description: z.string().default('').describe('One line on when it fires.'),
  provider_event: z
    .string()
    .min(1)
    .describe(
      "The provider's own name for it, as `type` (and `action`) read it from an item, e.g. `contract:sign` or `issues.opened`.",
    ),
  subscribe: z
    .string()
    .min(1)
    .optional()
    .describe(
      'The name the subscription request lists for it, when that is not `provider_event` (GitHub subscribes to `issues` and delivers `issues` with the action `opened`).',
    ),
  hydrate: eventRequestSchema
    .extend({
      data: jsonPathSchema.default('').describe('Where the record is in the answer.'),
    })
    .optional()
    .describe(
      'A provider call after the acknowledgement that reads the full record, for thin notifications; `${event.item.x}` and `${event.body.x}` name the delivery.',
    ),
  data: jsonPathSchema
    .default('')
    .describe("Where the record is in the item, when there is no `hydrate`; the event's `data`."),
});

export const eventsSchema = z
  .strictObject({
    mode: z
      .enum(['programmatic', 'manual'])
      .describe(
        '`programmatic`: Switchboard creates the subscription through the API for each account. `manual`: the account owner pastes the inbound URL (and secret) into the provider.',
      ),
    format: z.enum(['json', 'xml']).default('json').describe('How deliveries are encoded.'),
    secret: z
      .enum(['generated', 'subscription', 'none'])
      .default('generated')
      .describe(
        '`generated`: Switchboard makes one per account (sent when subscribing, or shown to the account owner). `subscription`: read from the subscription answer. `none`: the URL token alone identifies the account.',
      ),
    max_body_bytes: z
      .number()
      .int()
      .positive()
      .max(10 * 1024 * 1024)
      .default(1024 * 1024)
      .describe('Larger deliveries are refused with 413.'),
    verify: z
      .array(verifyCheckSchema)
      .default([])
      .describe('Checks a delivery must pass, all of them, or it gets 401 and is counted, never emitted.'),
    handshake: z
      .strictObject({
        when: condition,
        respond: deliveryTemplate.describe('The answer body, e.g. `${body.challenge}`.'),
        content_type: z.string().default('text/plain'),
      })
      .optional()
      .describe(
        'A verification request the provider sends when a URL is registered, answered and not stored.',
      ),
    ack: z
      .strictObject({
        status: z.number().int().min(200).max(299).default(200),
        content_type: z.string().default('application/json'),
        body: z.string().max(4000).default('{"received":true}'),
      })
      .default({ status: 200, content_type: 'application/json', body: '{"received":true}' })
      .describe('What a stored delivery is answered with; some providers require an exact body.'),
    items: jsonPathSchema
      .default('')
      .describe(
        'Where the list of events is in the body (one delivery may carry several); empty: the body is one event.',
      ),
    event_id: deliveryTemplate.describe(
      "The provider's id of one event, the key redeliveries are recognised by, e.g. `${item.id}`.",
    ),
    type: deliveryTemplate.describe(
      "The provider's name of the event type, e.g. `${item.type}` or `${header.x-github-event}`.",
    ),
    action: deliveryTemplate
      .optional()
      .describe(
        'An action the item may carry, appended to the type as `type.action` when the item has it (GitHub: `issues` and `opened` make `issues.opened`; a `push` has none and stays `push`).',
      ),
    subscription: z
      .strictObject({
        create: eventRequestSchema.extend({
          id: jsonPathSchema.describe("Where the subscription's id is in the answer."),
          secret: jsonPathSchema
            .optional()
            .describe('Where the signing secret is in the answer (`secret: subscription`).'),
        }),
        secret_request: eventRequestSchema
          .extend({
            secret: jsonPathSchema.describe('Where the signing secret is in the answer.'),
          })
          .optional()
          .describe(
            'A request made right after the create, for a provider that hands out the signing secret separately (`secret: subscription`); `${event.subscription_id}` is the new id.',
          ),
        delete: eventRequestSchema.describe('Deletes it; `${event.subscription_id}` is the id.'),
        requires_scope: z
          .array(z.string().min(1))
          .default([])
          .describe(
            "Scopes of which the account's grant must hold one for a subscription (when the token answer lists its scope); otherwise none is made and the account shows why.",
          ),
        requires_config: z
          .array(z.string().min(1))
          .default([])
          .describe(
            'Config fields the subscription needs (e.g. the repository it is made on); an account without them is linked all the same, gets no subscription, and shows why.',
          ),
      })
      .optional()
      .describe(
        "Programmatic mode: the requests that create and delete an account's subscription. `${event.inbound_url}`, `${event.secret}` and `${event.provider_events}` (a list) are filled in.",
      ),
    setup_steps: z
      .array(z.string())
      .default([])
      .describe(
        'Manual mode: the steps the account owner follows in the provider, in plain words; `{inbound_url}` and `{secret}` are filled in.',
      ),
    types: z.array(eventTypeSchema).min(1).describe('The events the connector emits.'),
    sources: z
      .array(z.strictObject({ url: z.url(), covers: z.string().min(1) }))
      .default([])
      .describe('Where the facts of this block come from.'),
  })
  .describe("The provider's own webhooks, received per linked account and emitted as Switchboard events.");
export type ConnectorEvents = z.infer<typeof eventsSchema>;
export type ConnectorEventType = ConnectorEvents['types'][number];

/** What the schema cannot check: names carry the connector key and are unique, modes have what they need. */
export function eventsProblem(
  key: string,
  events: ConnectorEvents,
  configKeys: string[] = [],
): string | null {
  const names = new Set<string>();
  for (const t of events.types) {
    if (!t.name.startsWith(`${key}.`)) return `events: ${t.name} must start with "${key}."`;
    if (names.has(t.name)) return `events: duplicate event ${t.name}`;
    names.add(t.name);
  }
  if (events.mode === 'programmatic' && !events.subscription)
    return 'events: programmatic mode needs `subscription` (create and delete)';
  if (events.mode === 'manual' && events.subscription)
    return 'events: manual mode has no `subscription`; the account owner registers the URL';
  if (
    events.secret === 'subscription' &&
    !events.subscription?.create.secret &&
    !events.subscription?.secret_request
  )
    return 'events: `secret: subscription` needs `subscription.create.secret` or `subscription.secret_request`';
  if (events.subscription?.secret_request && events.secret !== 'subscription')
    return 'events: `subscription.secret_request` reads the secret: it needs `secret: subscription`';
  if (events.subscription?.create.secret && events.subscription.secret_request)
    return 'events: the secret comes from `subscription.create.secret` or `subscription.secret_request`, not both';
  for (const key of events.subscription?.requires_config ?? [])
    if (!configKeys.includes(key))
      return `events: subscription.requires_config names "${key}", which is not a config field`;
  const when = events.handshake?.when;
  if (when && (when.path === undefined) === (when.value === undefined))
    return 'events: handshake.when needs exactly one of `path` and `value`';
  const usesSecret = events.verify.some((c) => JSON.stringify(c).includes('${secret}'));
  if (events.secret === 'none' && usesSecret) return 'events: a check names ${secret} but `secret` is none';
  for (const c of events.verify) {
    if (c.type === 'equals' && c.extract) {
      try {
        if (new RegExp(`${c.extract}|`).exec('')?.length !== 2)
          return 'events: extract needs exactly one group';
      } catch {
        return `events: extract "${c.extract}" is not a regular expression`;
      }
    }
  }
  return null;
}
