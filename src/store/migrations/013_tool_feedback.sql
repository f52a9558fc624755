-- Feedback on tools that agents send (StackOne's agent SDK `tool_feedback` tool): one row per
-- account a feedback names. The account may be deleted later; its feedback stays, with the
-- provider it was linked to. Deleting the project removes it.
CREATE TABLE tool_feedback (
  id          text PRIMARY KEY,
  project_id  text NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  account_id  text NOT NULL,
  provider    text NOT NULL,
  feedback    text NOT NULL,
  tool_names  jsonb NOT NULL,
  request_id  text NOT NULL,
  created_at  timestamptz NOT NULL
);
-- Listing newest first per project.
CREATE INDEX tool_feedback_project_time ON tool_feedback (project_id, created_at DESC, id DESC);
