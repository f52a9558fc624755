import { z } from 'zod';
import { iso } from './common.js';

/** `GET /accounts/{id}/events` (API.md): how the account's provider events reach Switchboard. */
export const accountEventsWire = z
  .strictObject({
    mode: z.enum(['programmatic', 'manual', 'none']),
    events: z.array(z.string()),
    inbound_url: z.string().nullable(),
    secret: z.string().nullable(),
    subscription: z
      .strictObject({
        status: z.enum(['pending', 'active', 'failed', 'off']),
        provider_id: z.string().nullable(),
        last_error: z.string().nullable(),
      })
      .nullable(),
    setup_steps: z.array(z.string()),
  })
  .meta({ id: 'AccountEvents' });

export const INBOUND_OUTCOMES = ['accepted', 'duplicate', 'handshake', 'rejected'] as const;

export const inboundDeliveriesQuery = z.object({
  account_id: z.string().max(100).optional(),
  provider: z.string().max(64).optional(),
  outcome: z.enum(INBOUND_OUTCOMES).optional(),
  page_size: z.coerce.number().int().min(1).max(500).default(100),
});

/** `GET /inbound_deliveries`: what reached the inbound URLs, and what each delivery became. */
export const inboundDeliveryWire = z
  .strictObject({
    id: z.string(),
    account_id: z.string().nullable(),
    provider: z.string(),
    outcome: z.enum(INBOUND_OUTCOMES),
    reason: z.string().nullable(),
    items: z.number().int(),
    new_items: z.number().int(),
    bytes: z.number().int(),
    received_at: iso,
    events: z.array(
      z.strictObject({
        provider_event_id: z.string(),
        provider_type: z.string(),
        status: z.enum(['pending', 'emitted', 'ignored', 'failed']),
        event: z.string().nullable(),
        event_id: z.string().nullable(),
        last_error: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: 'InboundDelivery' });
