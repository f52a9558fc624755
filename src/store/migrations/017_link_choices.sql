-- A sign-in whose discovery found several accounts the end user can link (Xero organisations,
-- Jira sites): the popup asks which one. The row holds the finished token exchange until the
-- end user chooses, bound to their browser like the OAuth state, used once, and ends with its
-- attempt.
CREATE TABLE link_choices (
  id                    text PRIMARY KEY,
  attempt_id            text NOT NULL REFERENCES connection_attempts(id) ON DELETE CASCADE,
  connect_session_id    bigint NOT NULL REFERENCES connect_sessions(id) ON DELETE CASCADE,
  connector_profile_id  text NOT NULL REFERENCES connector_profiles(id) ON DELETE CASCADE,
  provider              text NOT NULL,
  browser_hash          bytea NOT NULL,
  -- Sealed: the tokens, the end user's fields, the values found so far, each option's values,
  -- the return page.
  sealed                text NOT NULL,
  expires_at            timestamptz NOT NULL,
  used_at               timestamptz,
  created_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX link_choices_attempt ON link_choices (attempt_id);
