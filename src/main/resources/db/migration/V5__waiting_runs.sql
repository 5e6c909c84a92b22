-- Runs that wait: a run whose next step must wait (a long sleep, a signal, a child job) gives its
-- worker back; the job is Waiting until the cluster wakes it (a due timer, a signal, a finished child).
ALTER TABLE jobs ADD COLUMN waiting_for TEXT;                     -- timer | signal:<name> | job:<seq>
ALTER TABLE jobs ADD COLUMN wake_at INTEGER;                      -- when a timer (or a wait's timeout) is due
ALTER TABLE jobs ADD COLUMN parent_seq INTEGER;                   -- the job that spawned this one
ALTER TABLE jobs ADD COLUMN detached INTEGER NOT NULL DEFAULT 0;  -- 1: not cancelled with its parent
CREATE INDEX jobs_waking ON jobs (wake_at) WHERE status = 'Waiting';
CREATE INDEX jobs_waiting_for ON jobs (waiting_for) WHERE status = 'Waiting';
CREATE INDEX jobs_children ON jobs (parent_seq, seq) WHERE parent_seq IS NOT NULL;
INSERT INTO job_counts (status, count) VALUES ('Waiting', 0);

-- Signals sent to jobs, in arrival order; a run consumes them one by one (its history records which).
CREATE TABLE job_signals (
  id              INTEGER PRIMARY KEY,
  job_seq         INTEGER NOT NULL,
  name            TEXT    NOT NULL,
  payload         TEXT    NOT NULL,     -- JSON
  idempotency_key TEXT,
  at              INTEGER NOT NULL
);
CREATE INDEX job_signals_by_name ON job_signals (job_seq, name, id);
CREATE UNIQUE INDEX job_signals_by_key ON job_signals (job_seq, idempotency_key) WHERE idempotency_key IS NOT NULL;
