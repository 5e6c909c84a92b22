-- Reads for the dashboard and the live event stream (no change to what apply writes, only indexes).
-- A catch-up read of the jobs changed since a point in time, for an event stream resumed from an
-- event older than the node's ring of recent changes.
CREATE INDEX jobs_updated ON jobs (updated_at);
-- The jobs page filtered by workflow, newest or oldest first, paged by key.
CREATE INDEX jobs_by_workflow ON jobs (workflow, seq);
