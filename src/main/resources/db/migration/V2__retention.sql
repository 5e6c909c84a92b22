-- Retention: the leader's sweep finds finished jobs by when they finished, oldest first.
CREATE INDEX jobs_finished ON jobs (finished_at) WHERE status IN ('Completed', 'Failed', 'Cancelled');
