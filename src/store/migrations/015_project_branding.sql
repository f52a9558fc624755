-- Project branding: what the Hub, the Auth Link page and the OAuth pages show end users in place
-- of "Switchboard". `branding` holds the text fields (display name, colour, links, consent line);
-- the logo is fetched once when it is set and kept here, so end users' browsers load it from us,
-- never from the company's host (no tracking, no hot-linking, no swapped file after the check).
ALTER TABLE projects ADD COLUMN branding jsonb NOT NULL DEFAULT '{}'::jsonb;
ALTER TABLE projects ADD COLUMN logo_body bytea;
ALTER TABLE projects ADD COLUMN logo_type text;
ALTER TABLE projects ADD COLUMN logo_sha256 text;

-- The Hub's language for a connect session, when the company chose one (BCP 47, canonical form).
ALTER TABLE connect_sessions ADD COLUMN locale text;
