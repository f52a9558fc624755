-- The OAuth flow is bound to the browser that started it (RFC 9700 §4.7): the begin request
-- sets a cookie with a random value whose hash is stored here, and the callback must bring it.
ALTER TABLE oauth_states ADD COLUMN browser_hash bytea;
-- return_to can carry a session token (the Hub's own URL in the full-page fallback): sealed now.
-- States live ten minutes; any left from before this migration are simply no longer usable.
DELETE FROM oauth_states WHERE used_at IS NULL;
