-- The Hub hands the end user's fields (a Kustomer client secret among them) to the server in a
-- request body; the popup URL then carries only a one-time launch id. The fields wait here,
-- sealed, until the popup begins (or the attempt ends).
ALTER TABLE connection_attempts
  ADD COLUMN launch_hash bytea,
  ADD COLUMN launch_sealed text;
CREATE UNIQUE INDEX connection_attempts_launch ON connection_attempts (launch_hash) WHERE launch_hash IS NOT NULL;
