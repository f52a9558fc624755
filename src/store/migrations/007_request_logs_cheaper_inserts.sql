-- Request logs are written for every proxied call, so what each row costs PostgreSQL counts.
--
-- The foreign key to projects ran a referential check (a row lock on the project) for every log
-- row. Projects are never deleted by Switchboard; should one be deleted by hand, this trigger
-- removes its logs in one statement instead.
ALTER TABLE request_logs DROP CONSTRAINT request_logs_project_id_fkey;
CREATE FUNCTION switchboard_project_logs_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM request_logs WHERE project_id = OLD.id;
  RETURN OLD;
END $$;
CREATE TRIGGER projects_logs_delete BEFORE DELETE ON projects
  FOR EACH ROW EXECUTE FUNCTION switchboard_project_logs_delete();

-- Rows arrive in time order, so retention's range delete needs only a BRIN summary of
-- start_time, a few pages instead of a B-tree entry per row.
DROP INDEX request_logs_start_time;
CREATE INDEX request_logs_start_time ON request_logs USING brin (start_time);
