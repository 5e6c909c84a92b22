-- Cron schedules. The leader fires each one at its next_fire_at (FireSchedule): it submits the
-- schedule's job under the idempotency key schedule:<id>:<fire time> and moves next_fire_at on.
-- Every time here is stamped by the proposer, which evaluates the cron expression (apply never does):
-- the API node at a put, the leader at a fire. Times are ms since the Unix epoch.
CREATE TABLE schedules (
  id            TEXT    PRIMARY KEY,      -- chosen by the user: [a-z0-9][a-z0-9_.-]{0,63}
  cron          TEXT    NOT NULL,         -- Spring's six fields (seconds first), or a macro such as @daily
  time_zone     TEXT    NOT NULL,         -- an IANA zone id the cron is read in
  workflow      TEXT    NOT NULL,         -- the job, with the proposing node's defaults filled in:
  input         TEXT    NOT NULL,         --   JSON
  url           TEXT,
  priority      INTEGER NOT NULL,
  max_attempts  INTEGER NOT NULL,
  timeout_ms    INTEGER NOT NULL,
  module_sha256 TEXT,                     --   a pinned module version, or NULL for the latest at each claim
  overlap       TEXT    NOT NULL,         -- skip | queue | allow: a fire while the last job has not finished
  catch_up      TEXT    NOT NULL,         -- none | last: fire times that passed while no leader fired them
  paused        INTEGER NOT NULL DEFAULT 0,
  next_fire_at  INTEGER,                  -- NULL while paused, or when the cron has no later time
  last_fire_at  INTEGER,                  -- the fire time of the last fire that was not missed
  last_job_seq  INTEGER,                  -- the last job it submitted (what the overlap policy looks at)
  revision      INTEGER NOT NULL,         -- 1 when created, + 1 at each replacement of the definition
  submitted     INTEGER NOT NULL DEFAULT 0, -- fires that submitted a job (queued ones included)
  skipped       INTEGER NOT NULL DEFAULT 0, -- fires that submitted none because the last job ran (skip)
  missed        INTEGER NOT NULL DEFAULT 0, -- fire times passed over after downtime
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL          -- the last put (create, replace, pause, resume)
) WITHOUT ROWID;
CREATE INDEX schedules_due ON schedules (next_fire_at) WHERE next_fire_at IS NOT NULL;

-- The last fires of each schedule (100 kept), newest last: what each did and why.
CREATE TABLE schedule_fires (
  id          INTEGER PRIMARY KEY,
  schedule_id TEXT    NOT NULL,
  fire_time   INTEGER NOT NULL,           -- the fire time it stands for
  at          INTEGER NOT NULL,           -- when the leader fired it (its clock)
  kind        TEXT    NOT NULL,           -- scheduled | catch-up | missed | manual
  outcome     TEXT    NOT NULL,           -- submitted | queued | skipped | missed | duplicate | failed
  job_seq     INTEGER,
  missed      INTEGER NOT NULL,           -- fire times passed over with this one
  detail      TEXT
);
CREATE INDEX schedule_fires_by_schedule ON schedule_fires (schedule_id, id);
