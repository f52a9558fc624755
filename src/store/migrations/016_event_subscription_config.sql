-- The config values a provider-side event subscription was created with (the connector's
-- `requires_config`, e.g. GitHub's repository): its delete goes where it was made, even after the
-- account is re-linked with other values.
ALTER TABLE event_subscriptions ADD COLUMN config jsonb NOT NULL DEFAULT '{}';
