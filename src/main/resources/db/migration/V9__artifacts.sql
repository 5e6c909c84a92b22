-- Artifacts: the metadata of what a run stored (RecordArtifact). The bytes are content-addressed blobs
-- kept outside the database (artifact/DESIGN.md); holders says where: "nodes:1,2,3" or "s3:bucket/key".
CREATE TABLE job_artifacts (
  job_seq    INTEGER NOT NULL,
  name       TEXT    NOT NULL,
  size       INTEGER NOT NULL,
  sha256     TEXT    NOT NULL,
  holders    TEXT    NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (job_seq, name)
) WITHOUT ROWID;
-- the blob sweep asks whether any row still refers to a blob
CREATE INDEX job_artifacts_by_sha ON job_artifacts (sha256);
