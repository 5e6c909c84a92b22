-- Reads for the dashboard and the live event stream (no change to what apply writes, only an index).
-- No index on updated_at: it would be rewritten at every state change of every job (+4.5 us of apply
-- CPU per job, 15 %), for a catch-up that the ring of recent changes covers; an event stream resumed
-- from beyond the ring gets `event: resync`.
-- The jobs page filtered by workflow, newest or oldest first, paged by key.
CREATE INDEX jobs_by_workflow ON jobs (workflow, seq);
