-- Dashboard sign-in: one row per signed-in browser. Only the SHA-256 of the session id (the
-- cookie value) is stored; the session dies with the API key it was opened with.
CREATE TABLE admin_sessions (
  id_hash       bytea PRIMARY KEY,
  project_id    text NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  api_key_id    text NOT NULL REFERENCES api_keys(id) ON DELETE CASCADE,
  created_at    timestamptz NOT NULL,
  expires_at    timestamptz NOT NULL
);
CREATE INDEX admin_sessions_expiry ON admin_sessions (expires_at);
