-- The PostgreSQL job queue the lifecycle benchmark compares mvm-ci with: the design a Java user
-- writes (or gets from a library such as River, Oban, good_job or db-scheduler): one table, a
-- partial index of runnable jobs, claims by SELECT ... FOR UPDATE SKIP LOCKED, a fencing attempt
-- number, and a NOTIFY on insert so idle workers wake at once instead of polling.
-- Statements are separated by lines holding only ";;" (the function body contains ";").
DROP TABLE IF EXISTS jobs
;;
CREATE TABLE jobs (
  id           bigserial   PRIMARY KEY,
  status       text        NOT NULL DEFAULT 'pending',   -- pending | running | completed
  workflow     text        NOT NULL,
  input        jsonb       NOT NULL DEFAULT '{}',
  priority     int         NOT NULL DEFAULT 0,
  run_at       timestamptz NOT NULL DEFAULT now(),
  attempt      int         NOT NULL DEFAULT 0,           -- claims so far: the fencing token
  max_attempts int         NOT NULL DEFAULT 3,
  worker_id    text,
  lease_until  timestamptz,
  output       jsonb,
  created_at   timestamptz NOT NULL DEFAULT now(),
  started_at   timestamptz,
  finished_at  timestamptz
)
;;
CREATE INDEX jobs_runnable ON jobs (priority DESC, run_at, id) WHERE status = 'pending'
;;
CREATE OR REPLACE FUNCTION jobs_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('jobs', '');
  RETURN NULL;
END $$
;;
CREATE TRIGGER jobs_notify AFTER INSERT ON jobs FOR EACH STATEMENT EXECUTE FUNCTION jobs_notify()
