-- Webhooks: endpoints, the event outbox, and the delivery queue + log.
CREATE TABLE webhook_endpoints (
  id                          text PRIMARY KEY,
  project_id                  text NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  url                         text NOT NULL,
  events                      text[] NOT NULL,
  description                 text,
  active                      boolean NOT NULL DEFAULT true,
  secret                      text NOT NULL,
  previous_secret             text,
  previous_secret_expires_at  timestamptz,
  created_at                  timestamptz NOT NULL DEFAULT now(),
  updated_at                  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_endpoints_project ON webhook_endpoints (project_id);

-- The outbox: written in the same transaction as the change that caused the event.
CREATE TABLE events (
  id          text PRIMARY KEY,
  seq         bigserial NOT NULL,
  project_id  text NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  type        text NOT NULL,
  account_id  text,
  payload     jsonb NOT NULL,
  created_at  timestamptz NOT NULL
);
CREATE INDEX events_project_created ON events (project_id, created_at DESC);

-- One row per (event, endpoint): the job queue the delivery workers claim with SKIP LOCKED.
CREATE TABLE webhook_deliveries (
  id                text PRIMARY KEY,
  project_id        text NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  endpoint_id       text NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
  event_id          text NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  status            text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts          integer NOT NULL DEFAULT 0,
  last_status_code  integer,
  last_error        text,
  next_attempt_at   timestamptz NOT NULL,
  locked_until      timestamptz,
  retry_until       timestamptz NOT NULL,
  created_at        timestamptz NOT NULL,
  delivered_at      timestamptz,
  UNIQUE (event_id, endpoint_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, created_at DESC);

-- Every attempt, for the delivery log.
CREATE TABLE webhook_attempts (
  id                bigserial PRIMARY KEY,
  delivery_id       text NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
  attempt           integer NOT NULL,
  started_at        timestamptz NOT NULL,
  duration_ms       integer NOT NULL,
  status_code       integer,
  error             text,
  response_excerpt  text
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, attempt);
