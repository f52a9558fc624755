-- The URL overrides an account was linked under (token, base, revoke URLs). Credentials only
-- ever travel to where they were issued: a later change of the profile's overrides applies to
-- accounts linked afterwards, so a leaked API key cannot repoint existing accounts' tokens.
ALTER TABLE accounts ADD COLUMN endpoint_overrides jsonb NOT NULL DEFAULT '{}';
UPDATE accounts a SET endpoint_overrides = p.overrides FROM connector_profiles p WHERE a.connector_profile_id = p.id;
