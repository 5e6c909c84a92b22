-- Dispatch: worker labels and concurrency groups.

-- Every distinct set of labels a job has required, canonical (sorted, comma-separated). Set 0 is the
-- empty set. A claim finds the sets its worker's labels cover (a few rows) and reads each one's
-- runnable jobs through jobs_runnable_by_set, so it never scans jobs that worker cannot take.
CREATE TABLE label_sets (
  id     INTEGER PRIMARY KEY,
  labels TEXT    NOT NULL UNIQUE
);
INSERT INTO label_sets (id, labels) VALUES (0, '');

ALTER TABLE jobs ADD COLUMN label_set INTEGER NOT NULL DEFAULT 0;  -- label_sets.id
ALTER TABLE jobs ADD COLUMN labels TEXT;                            -- that set's labels, or NULL for none
ALTER TABLE jobs ADD COLUMN concurrency_key TEXT;                   -- the job's group, or NULL
ALTER TABLE jobs ADD COLUMN concurrency_limit INTEGER;              -- slots of the group, with a key
ALTER TABLE jobs ADD COLUMN concurrency_policy TEXT;                -- queue | cancel_in_progress | skip
CREATE INDEX jobs_runnable_by_set ON jobs (label_set, priority DESC, run_at, seq)
  WHERE status IN ('Pending', 'Retrying');
-- A group's unfinished jobs: the ones that may hold (or wait for) one of its slots.
CREATE INDEX jobs_by_group ON jobs (concurrency_key, seq)
  WHERE concurrency_key IS NOT NULL AND status IN ('Pending', 'InProgress', 'Retrying', 'Waiting');

-- What each worker advertised with its last heartbeat (canonical, comma-separated; '' for none).
ALTER TABLE heartbeats ADD COLUMN labels TEXT NOT NULL DEFAULT '';

-- A ticket may restrict the labels its holder advertises and claims with (NULL: any).
ALTER TABLE tickets ADD COLUMN labels TEXT;
