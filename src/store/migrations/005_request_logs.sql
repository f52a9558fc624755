-- Request logs: one row per proxy, action or MCP tool call; its provider requests (steps) inline,
-- so a call costs one row written in a batch. Secrets are removed before a row is written.
CREATE TABLE request_logs (
  id           text PRIMARY KEY,
  request_id   text NOT NULL,
  project_id   text NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  account_id   text,
  provider     text,
  service      text NOT NULL CHECK (service IN ('proxy', 'actions', 'mcp')),
  action       text,
  http_method  text NOT NULL,
  path         text,
  url          text,
  status       integer NOT NULL,
  success      boolean NOT NULL,
  duration_ms  integer NOT NULL,
  source_ip    text,
  source_type  text NOT NULL,
  start_time   timestamptz NOT NULL,
  end_time     timestamptz NOT NULL,
  -- json, not jsonb: stored as written, never queried inside, and about a third cheaper to insert.
  request      json NOT NULL DEFAULT '{}',
  response     json NOT NULL DEFAULT '{}',
  steps        json NOT NULL DEFAULT '[]'
);
CREATE INDEX request_logs_project_time ON request_logs (project_id, start_time DESC, id DESC);
CREATE INDEX request_logs_project_request ON request_logs (project_id, request_id);
-- Retention deletes by age across projects.
CREATE INDEX request_logs_start_time ON request_logs (start_time);

-- Cache invalidation: every process caches API keys and opened accounts for the proxy's hot
-- path; any change to those rows (whoever makes it, in whatever process or by hand) is announced
-- on commit, and every listening process drops what it holds.
CREATE FUNCTION switchboard_cache_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('switchboard_cache', TG_TABLE_NAME || ':' || OLD.id);
  RETURN NULL;
END $$;
CREATE TRIGGER accounts_cache_notify AFTER UPDATE OR DELETE ON accounts
  FOR EACH ROW EXECUTE FUNCTION switchboard_cache_notify();
CREATE TRIGGER connector_profiles_cache_notify AFTER UPDATE OR DELETE ON connector_profiles
  FOR EACH ROW EXECUTE FUNCTION switchboard_cache_notify();
CREATE TRIGGER api_keys_cache_notify AFTER UPDATE OR DELETE ON api_keys
  FOR EACH ROW EXECUTE FUNCTION switchboard_cache_notify();
CREATE TRIGGER projects_cache_notify AFTER UPDATE OR DELETE ON projects
  FOR EACH ROW EXECUTE FUNCTION switchboard_cache_notify();
