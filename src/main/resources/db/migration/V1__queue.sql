-- The replicated queue. Every node applies the same commands to its own copy of this schema.
-- Times are milliseconds since the Unix epoch, stamped by the proposing node.

-- Bookkeeping that changes in the same transaction as the data: the last applied Raft entry
-- and the next job sequence number.
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO meta (key, value) VALUES ('applied_term', 0), ('applied_index', -1), ('next_job_seq', 0);

-- One row per job (the original called this table `workflows`).
CREATE TABLE jobs (
  seq              INTEGER PRIMARY KEY,   -- N of job-N
  status           TEXT    NOT NULL,
  workflow         TEXT    NOT NULL,
  input            TEXT    NOT NULL,      -- JSON
  url              TEXT,
  priority         INTEGER NOT NULL,
  run_at           INTEGER NOT NULL,
  attempt          INTEGER NOT NULL,      -- claims so far; the current claim's fencing token
  failures         INTEGER NOT NULL DEFAULT 0, -- attempts that failed or lost their lease
  max_attempts     INTEGER NOT NULL,      -- failures allowed before the job is Failed for good
  timeout_ms       INTEGER NOT NULL,
  worker_id        TEXT,
  lease_until      INTEGER,
  progress         INTEGER,
  progress_message TEXT,
  output           TEXT,
  error            TEXT,
  reason           TEXT    NOT NULL,      -- why the job is in its current state, for people
  idempotency_key  TEXT UNIQUE,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  started_at       INTEGER,
  finished_at      INTEGER
);
CREATE INDEX jobs_by_status ON jobs (status, seq);
CREATE INDEX jobs_runnable ON jobs (priority DESC, run_at, seq) WHERE status IN ('Pending', 'Retrying');
CREATE INDEX jobs_runnable_at ON jobs (run_at) WHERE status IN ('Pending', 'Retrying');
CREATE INDEX jobs_leased ON jobs (lease_until) WHERE status = 'InProgress';

-- Every state change of every job, with its reason.
CREATE TABLE job_events (
  id      INTEGER PRIMARY KEY,
  job_seq INTEGER NOT NULL,
  at      INTEGER NOT NULL,
  status  TEXT    NOT NULL,
  attempt INTEGER NOT NULL,
  reason  TEXT    NOT NULL
);
CREATE INDEX job_events_by_job ON job_events (job_seq, id);

-- What workflows logged, at most 1000 lines a job (the oldest go first).
CREATE TABLE job_logs (
  id      INTEGER PRIMARY KEY,
  job_seq INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  at      INTEGER NOT NULL,
  level   INTEGER NOT NULL,                -- 0 debug, 1 info, 2 warn, 3 error
  message TEXT    NOT NULL
);
CREATE INDEX job_logs_by_job ON job_logs (job_seq, id);

-- Maintained counters, so stats never scan the jobs table.
CREATE TABLE job_counts (
  status TEXT PRIMARY KEY,
  count  INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO job_counts (status, count) VALUES
  ('Pending', 0), ('InProgress', 0), ('Retrying', 0), ('Completed', 0), ('Failed', 0), ('Cancelled', 0);

-- Liveness of nodes and workers.
CREATE TABLE heartbeats (
  worker_id  TEXT PRIMARY KEY,
  node_id    INTEGER,
  kind       TEXT    NOT NULL,            -- node | remote
  started_at INTEGER NOT NULL,
  last_seen  INTEGER NOT NULL,
  status     TEXT    NOT NULL,            -- alive | dead | stopped
  capacity   INTEGER NOT NULL,            -- jobs it runs at once
  running    INTEGER NOT NULL             -- jobs it said it runs, at its last beat
) WITHOUT ROWID;

-- Worker tickets: credentials for remote workers. Only the token's hash is kept.
CREATE TABLE tickets (
  id           TEXT PRIMARY KEY,
  token_sha256 TEXT    NOT NULL UNIQUE,
  label        TEXT    NOT NULL,
  created_at   INTEGER NOT NULL,
  revoked_at   INTEGER
) WITHOUT ROWID;

-- Workflow modules deployed over the API. The latest version of a name is its highest id;
-- deploying known bytes again moves them to a new id, making them the latest again.
CREATE TABLE modules (
  id          INTEGER PRIMARY KEY,
  name        TEXT    NOT NULL,
  sha256      TEXT    NOT NULL,
  wasm        BLOB    NOT NULL,
  deployed_at INTEGER NOT NULL,
  UNIQUE (name, sha256)
);
