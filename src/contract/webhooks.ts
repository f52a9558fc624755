import { z } from 'zod';
import { iso } from './common.js';

/** The events a webhook endpoint can subscribe to (`*` means all of them). */
export const EVENT_TYPES = [
  'account.created',
  'account.updated',
  'account.deleted',
  'account.error',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * Event names or patterns: `account.created`, a connector event such as `oneflow.contract.signed`,
 * `*` for all, or a pattern with `*` (`oneflow.*`). Exact names are checked against the
 * installed connectors' events when the endpoint is saved (core/webhooks/endpoints.ts).
 */
const eventsSchema = z
  .array(
    z
      .string()
      .max(200)
      .regex(
        /^(\*|[a-z0-9*][a-z0-9_*]*(\.[a-z0-9_*]+)*)$/,
        'an event name such as account.created, or a pattern such as oneflow.*',
      ),
  )
  .min(1)
  .max(200)
  .transform((events) => [...new Set(events)]);

export const createEndpointSchema = z
  .object({
    url: z.string().min(1).max(2048),
    events: eventsSchema,
    description: z.string().max(500).nullish(),
    active: z.boolean().optional(),
  })
  .strict();
export const updateEndpointSchema = createEndpointSchema.partial().strict();

export const listDeliveriesQuery = z.object({
  status: z.enum(['pending', 'delivered', 'failed']).optional(),
  page_size: z.coerce.number().int().min(1).max(500).default(100),
});
export type ListDeliveriesQuery = z.infer<typeof listDeliveriesQuery>;

export const webhookEndpoint = z
  .strictObject({
    id: z.string(),
    url: z.string(),
    events: z.array(z.string()),
    description: z.string().nullable(),
    active: z.boolean(),
    created_at: iso,
    updated_at: iso,
  })
  .meta({ id: 'WebhookEndpoint' });
export type WebhookEndpoint = z.infer<typeof webhookEndpoint>;

/** `POST /webhooks`: the only answer that shows the signing secret. */
export const createdWebhookEndpoint = webhookEndpoint.extend({ secret: z.string() });

/** `POST /webhooks/{id}/rotate_secret`. */
export const rotatedSecret = z.strictObject({ secret: z.string() });

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;

export const webhookDelivery = z
  .strictObject({
    id: z.string(),
    event_id: z.string(),
    event: z.string().nullable(),
    status: z.enum(DELIVERY_STATUSES),
    attempts: z.number().int(),
    last_status_code: z.number().int().nullable(),
    last_error: z.string().nullable(),
    next_attempt_at: iso.nullable(),
    created_at: iso,
    delivered_at: iso.nullable(),
  })
  .meta({ id: 'WebhookDelivery' });
export type WebhookDelivery = z.infer<typeof webhookDelivery>;

/** The dashboard's webhook history of one account: each event with its deliveries. */
export const accountEvent = z.strictObject({
  id: z.string(),
  event: z.string(),
  created_at: iso,
  deliveries: z.array(
    z.strictObject({
      id: z.string(),
      endpoint_id: z.string(),
      url: z.string().nullable(),
      status: z.enum(DELIVERY_STATUSES),
      attempts: z.number().int(),
      last_status_code: z.number().int().nullable(),
      last_error: z.string().nullable(),
      delivered_at: iso.nullable(),
    }),
  ),
});
export type AccountEvent = z.infer<typeof accountEvent>;
