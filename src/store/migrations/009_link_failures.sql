-- Link failures the admin can see: every failed or cancelled link attempt, OAuth popups and
-- API-token checks alike, is a connection attempt row. `reason` is a closed set of codes (the
-- list in src/core/link-failures.ts); `error_code` keeps the provider's own word for the Hub.
-- `provider` survives the deletion of the profile; `ended_at` says when the attempt ended.
ALTER TABLE connection_attempts
  ADD COLUMN provider text,
  ADD COLUMN reason text CHECK (reason IS NULL OR reason IN (
    'credentials_rejected', 'provider_unreachable', 'consent_denied', 'invalid_client', 'token_exchange_failed',
    'provider_error', 'invalid_fields', 'misconfigured', 'interrupted', 'cancelled', 'expired')),
  ADD COLUMN method text NOT NULL DEFAULT 'oauth2' CHECK (method IN ('oauth2', 'api_token')),
  ADD COLUMN ended_at timestamptz;

UPDATE connection_attempts a SET provider = p.provider FROM connector_profiles p WHERE p.id = a.connector_profile_id;
UPDATE connection_attempts SET ended_at = updated_at WHERE status <> 'pending';
UPDATE connection_attempts SET reason = 'cancelled' WHERE status = 'cancelled';
UPDATE connection_attempts SET reason = CASE
    WHEN error_code IN ('access_denied') THEN 'consent_denied'
    WHEN error_code IN ('invalid_client', 'unauthorized_client') THEN 'invalid_client'
    WHEN error_code IN ('invalid_grant', 'token_error') THEN 'token_exchange_failed'
    WHEN error_code = 'test_failed' THEN 'credentials_rejected'
    WHEN error_code = 'invalid_fields' THEN 'invalid_fields'
    WHEN error_code = 'interrupted' THEN 'interrupted'
    WHEN error_code IN ('configuration', 'integration_unavailable', 'invalid_instance', 'bad_request', 'not_found') THEN 'misconfigured'
    ELSE 'provider_error' END
  WHERE status = 'error';

-- Listing one project's attempts newest first, optionally by status.
CREATE INDEX connection_attempts_project_time ON connection_attempts (project_id, created_at DESC, id DESC);
CREATE INDEX connection_attempts_project_status_time ON connection_attempts (project_id, status, created_at DESC);
