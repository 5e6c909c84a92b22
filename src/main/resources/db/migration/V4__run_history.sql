-- Replicated run history: every journaled step of every run, committed through the log before the
-- guest sees its result, so any node can resume any run by replaying it.
-- A job's history is a sequence of executions: an execution continues across lease take-overs and
-- hand-backs (the run resumes), and a retry after a reported failure starts the next one afresh.
ALTER TABLE jobs ADD COLUMN execution INTEGER NOT NULL DEFAULT 1;     -- the current execution
ALTER TABLE jobs ADD COLUMN history_steps INTEGER NOT NULL DEFAULT 0; -- its steps so far
ALTER TABLE jobs ADD COLUMN history_bytes INTEGER NOT NULL DEFAULT 0; -- and their result bytes
ALTER TABLE jobs ADD COLUMN pinned_sha256 TEXT;                       -- a module version pinned at submission
CREATE INDEX jobs_pinned ON jobs (pinned_sha256) WHERE pinned_sha256 IS NOT NULL;

CREATE TABLE job_steps (
  id          INTEGER PRIMARY KEY,
  job_seq     INTEGER NOT NULL,
  execution   INTEGER NOT NULL,
  seq         INTEGER NOT NULL,      -- 0, 1, 2, ... in call order within the execution
  attempt     INTEGER NOT NULL,      -- the claim that recorded it
  kind        TEXT    NOT NULL,      -- the host import: http_request, now_ms, log, ...
  digest      BLOB    NOT NULL,      -- sha-256 of the request, compared on replay
  summary     TEXT    NOT NULL,      -- the request, shortened, for people
  done        INTEGER NOT NULL,      -- 0 while only its start (or part of its result) is recorded
  code        INTEGER NOT NULL,      -- the call's return code (http_request), level (log), percent (progress)
  result      BLOB    NOT NULL,      -- what the guest saw
  started_at  INTEGER NOT NULL,
  finished_at INTEGER
);
CREATE UNIQUE INDEX job_steps_by_run ON job_steps (job_seq, execution, seq);
