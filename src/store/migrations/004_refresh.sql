-- Credential lifecycle: when each account's token is refreshed or its credentials re-checked.
ALTER TABLE accounts
  ADD COLUMN next_refresh_at    timestamptz,
  ADD COLUMN next_check_at      timestamptz,
  ADD COLUMN last_refreshed_at  timestamptz,
  ADD COLUMN refresh_failures   integer NOT NULL DEFAULT 0;

-- The workers read only what is due: cost grows with due accounts, not with all accounts.
CREATE INDEX accounts_refresh_due ON accounts (next_refresh_at) WHERE status = 'active' AND next_refresh_at IS NOT NULL;
CREATE INDEX accounts_check_due ON accounts (next_check_at) WHERE status = 'active' AND next_check_at IS NOT NULL;
