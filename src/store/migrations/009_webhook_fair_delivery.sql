-- Fair webhook delivery (security review M6): claims take a few due deliveries per endpoint
-- rather than the oldest over all endpoints, and an endpoint that keeps timing out is paused.

-- An endpoint's due deliveries, oldest first: the claim reads a few per endpoint.
CREATE INDEX webhook_deliveries_endpoint_due ON webhook_deliveries (endpoint_id, next_attempt_at) WHERE status = 'pending';
-- Deliveries under a lease: the claim counts them per endpoint against its concurrency cap.
CREATE INDEX webhook_deliveries_leased ON webhook_deliveries (endpoint_id, locked_until) WHERE status = 'pending' AND locked_until IS NOT NULL;

-- Attempts in a row that got no answer in time, and until when the endpoint is not attempted.
ALTER TABLE webhook_endpoints ADD COLUMN consecutive_timeouts integer NOT NULL DEFAULT 0;
ALTER TABLE webhook_endpoints ADD COLUMN paused_until timestamptz;
