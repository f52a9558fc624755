-- Linking: OAuth connection attempts (polled by the Hub) and one-time OAuth states.
CREATE TABLE connection_attempts (
  id                    text PRIMARY KEY,
  project_id            text NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  connect_session_id    bigint NOT NULL REFERENCES connect_sessions(id) ON DELETE CASCADE,
  connector_profile_id  text REFERENCES connector_profiles(id) ON DELETE SET NULL,
  status                text NOT NULL DEFAULT 'pending'
                          CHECK (status IN ('pending', 'authenticated', 'error', 'cancelled', 'expired')),
  account_id            text,
  error_code            text,
  error_description     text,
  expires_at            timestamptz NOT NULL,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX connection_attempts_session ON connection_attempts (connect_session_id);

CREATE TABLE oauth_states (
  state_hash            bytea PRIMARY KEY,
  attempt_id            text NOT NULL REFERENCES connection_attempts(id) ON DELETE CASCADE,
  connect_session_id    bigint NOT NULL REFERENCES connect_sessions(id) ON DELETE CASCADE,
  connector_profile_id  text NOT NULL REFERENCES connector_profiles(id) ON DELETE CASCADE,
  provider              text NOT NULL,
  return_to             text NOT NULL,
  -- Sealed: the PKCE verifier and the end user's fields (Kustomer's client secret among them).
  sealed                text NOT NULL,
  expires_at            timestamptz NOT NULL,
  used_at               timestamptz,
  created_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX oauth_states_expiry ON oauth_states (expires_at);
