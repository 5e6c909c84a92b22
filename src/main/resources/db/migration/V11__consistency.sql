-- Consistency checks (ops/DESIGN.md, "Consistency checks"): a check is a log entry; every member
-- digests its copy of this database as of that entry and reports the digest through the log, so
-- every member holds every report and can tell which copy differs. The newest 100 checks are kept.
CREATE TABLE consistency_checks (
  check_index  INTEGER PRIMARY KEY,    -- the log index of the check's entry: what was digested
  requested_at INTEGER NOT NULL,
  requested_by TEXT    NOT NULL        -- "schedule", or "api" (an operator)
);

CREATE TABLE consistency_reports (
  check_index  INTEGER NOT NULL,
  node_id      INTEGER NOT NULL,
  schema       INTEGER NOT NULL,       -- the reporting node's schema version: only equal ones compare
  digest       TEXT    NOT NULL,       -- sha-256 over the table digests, hex
  row_count    INTEGER NOT NULL,
  tables       TEXT    NOT NULL,       -- "name=<first 16 hex of its sha-256>/<rows>" per table, by name
  reported_at  INTEGER NOT NULL,
  PRIMARY KEY (check_index, node_id)
) WITHOUT ROWID;
