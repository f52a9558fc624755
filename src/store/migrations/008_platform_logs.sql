-- Platform logs: one row per call a project makes to Switchboard's own API (connect sessions,
-- accounts, connectors, connector profiles, webhooks, actions metadata, logs). Provider calls
-- (proxy, actions/rpc, MCP) are request logs instead. No bodies, headers or query values are
-- stored: they carry secrets.
CREATE TABLE platform_logs (
  id           text PRIMARY KEY,
  request_id   text NOT NULL,
  -- No foreign key (a referential check per row, as migration 007 explains): the projects
  -- delete trigger below removes a project's rows.
  project_id   text NOT NULL,
  account_id   text,
  category     text NOT NULL,
  action       text NOT NULL,
  resource     text,
  sub_resource text,
  http_method  text NOT NULL,
  path         text NOT NULL,
  url          text NOT NULL,
  status       integer NOT NULL,
  success      boolean NOT NULL,
  -- Milliseconds with fractions: most platform calls take less than one.
  duration_ms  real NOT NULL,
  source_ip    text,
  source_type  text NOT NULL,
  start_time   timestamptz NOT NULL,
  end_time     timestamptz NOT NULL
);
-- Listing newest first per project (the default order), and looking up one call's entries.
CREATE INDEX platform_logs_project_time ON platform_logs (project_id, start_time DESC, id DESC);
CREATE INDEX platform_logs_project_request ON platform_logs (project_id, request_id);
-- Retention deletes by age across projects; rows arrive in time order, so a BRIN summary suffices.
CREATE INDEX platform_logs_start_time ON platform_logs USING brin (start_time);

-- Deleting a project removes its platform logs too, beside its request logs.
CREATE OR REPLACE FUNCTION switchboard_project_logs_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM request_logs WHERE project_id = OLD.id;
  DELETE FROM platform_logs WHERE project_id = OLD.id;
  RETURN OLD;
END $$;
