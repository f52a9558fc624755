-- Connector events: the providers' own webhooks, received per linked account and sent on
-- through the outbox as `{connector}.{resource}.{action}` events.

-- The events a profile emits: null = every event its connector declares, [] = none.
ALTER TABLE connector_profiles ADD COLUMN enabled_events jsonb;

-- Each account's inbound address: an opaque token (looked up by its SHA-256, kept sealed so the
-- URL can be shown again) and the secret the provider signs or sends with its deliveries.
CREATE TABLE event_inbound (
  account_id   text PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  project_id   text NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  provider     text NOT NULL,
  token_hash   text NOT NULL UNIQUE,
  token        text NOT NULL,
  secret       text,
  created_at   timestamptz NOT NULL
);

-- The provider-side subscription of an account (programmatic connectors): what should exist
-- (`events`), what does (`provider_id`), and the next attempt when they differ.
CREATE TABLE event_subscriptions (
  account_id       text PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  project_id       text NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  provider         text NOT NULL,
  status           text NOT NULL CHECK (status IN ('pending', 'active', 'failed', 'off')),
  provider_id      text,
  events           jsonb NOT NULL DEFAULT '[]',
  attempts         integer NOT NULL DEFAULT 0,
  last_error       text,
  next_attempt_at  timestamptz,
  updated_at       timestamptz NOT NULL
);
CREATE INDEX event_subscriptions_due ON event_subscriptions (next_attempt_at) WHERE status IN ('pending', 'failed');

-- Every delivery that reached an inbound URL, verified or not: the dashboard's inbound log.
CREATE TABLE inbound_deliveries (
  id            text PRIMARY KEY,
  project_id    text NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  account_id    text REFERENCES accounts(id) ON DELETE CASCADE,
  provider      text NOT NULL,
  outcome       text NOT NULL CHECK (outcome IN ('accepted', 'duplicate', 'handshake', 'rejected')),
  reason        text,
  items         integer NOT NULL DEFAULT 0,
  new_items     integer NOT NULL DEFAULT 0,
  bytes         integer NOT NULL,
  received_at   timestamptz NOT NULL
);
CREATE INDEX inbound_deliveries_project_time ON inbound_deliveries (project_id, received_at DESC, id DESC);
CREATE INDEX inbound_deliveries_account_time ON inbound_deliveries (account_id, received_at DESC);

-- One row per provider event, stored before the delivery is acknowledged. The unique key is the
-- provider's own event id per account: a redelivery finds its row and adds nothing.
CREATE TABLE inbound_events (
  id                 text PRIMARY KEY,
  project_id         text NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  account_id         text NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  delivery_id        text NOT NULL REFERENCES inbound_deliveries(id) ON DELETE CASCADE,
  provider           text NOT NULL,
  provider_event_id  text NOT NULL,
  provider_type      text NOT NULL,
  item               jsonb NOT NULL,
  envelope           jsonb NOT NULL,
  status             text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'emitted', 'ignored', 'failed')),
  event_type         text,
  emitted_event_id   text,
  attempts           integer NOT NULL DEFAULT 0,
  last_error         text,
  next_attempt_at    timestamptz NOT NULL,
  locked_until       timestamptz,
  created_at         timestamptz NOT NULL,
  done_at            timestamptz,
  UNIQUE (account_id, provider_event_id)
);
CREATE INDEX inbound_events_due ON inbound_events (next_attempt_at) WHERE status = 'pending';
CREATE INDEX inbound_events_delivery ON inbound_events (delivery_id);
