-- Foundation: tenancy, API keys, connector profiles, connect sessions, accounts.
CREATE TABLE organizations (
  id          bigserial PRIMARY KEY,
  name        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE projects (
  id               text PRIMARY KEY,
  organization_id  bigint NOT NULL REFERENCES organizations(id),
  name             text NOT NULL,
  is_default       boolean NOT NULL DEFAULT false,
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX projects_one_default ON projects (is_default) WHERE is_default;

CREATE TABLE api_keys (
  id            text PRIMARY KEY,
  project_id    text NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  key_hash      bytea NOT NULL UNIQUE,
  hint          text NOT NULL,
  label         text NOT NULL DEFAULT '',
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_used_at  timestamptz,
  revoked_at    timestamptz
);

CREATE TABLE connector_profiles (
  id               text PRIMARY KEY,
  project_id       text NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  provider         text NOT NULL,
  label            text NOT NULL,
  environment      text NOT NULL,
  setup            jsonb NOT NULL DEFAULT '{}',
  setup_secrets    text,
  enabled_actions  jsonb,
  overrides        jsonb NOT NULL DEFAULT '{}',
  pkce             boolean NOT NULL DEFAULT true,
  is_default       boolean NOT NULL DEFAULT false,
  active           boolean NOT NULL DEFAULT true,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX connector_profiles_project ON connector_profiles (project_id, provider);
CREATE UNIQUE INDEX connector_profiles_one_default ON connector_profiles (project_id, provider) WHERE is_default;

CREATE TABLE connect_sessions (
  id                     bigserial PRIMARY KEY,
  project_id             text NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  token_hash             bytea NOT NULL UNIQUE,
  origin_owner_id        text NOT NULL,
  origin_owner_name      text NOT NULL,
  origin_username        text,
  account_id             text,
  provider               text,
  provider_version       text,
  categories             text[],
  label                  text,
  metadata               jsonb,
  multiple               boolean NOT NULL DEFAULT false,
  type                   text NOT NULL DEFAULT 'production',
  external_trigger_token text,
  expires_at             timestamptz NOT NULL,
  created_at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX connect_sessions_expiry ON connect_sessions (expires_at);

CREATE TABLE accounts (
  id                    text PRIMARY KEY,
  project_id            text NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  connector_profile_id  text REFERENCES connector_profiles(id) ON DELETE SET NULL,
  provider              text NOT NULL,
  origin_owner_id       text NOT NULL,
  origin_owner_name     text NOT NULL,
  origin_username       text,
  label                 text,
  type                  text NOT NULL DEFAULT 'production',
  environment           text,
  status                text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive', 'error')),
  status_reasons        jsonb NOT NULL DEFAULT '[]',
  metadata              jsonb,
  setup_information     jsonb NOT NULL DEFAULT '{}',
  secrets               text,
  credentials           text,
  token_expires_at      timestamptz,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX accounts_project_created ON accounts (project_id, created_at DESC, id DESC);
CREATE INDEX accounts_project_owner ON accounts (project_id, origin_owner_id);
CREATE INDEX accounts_project_provider ON accounts (project_id, provider);
