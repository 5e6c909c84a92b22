-- Which module version each attempt runs, decided in the log: a claim stamps every job it takes
-- with the sha-256 of the latest version of its workflow in `modules` as of the claim's entry.
ALTER TABLE jobs ADD COLUMN module_sha256 TEXT;        -- the version of the current (or last) attempt
ALTER TABLE job_events ADD COLUMN module_sha256 TEXT;  -- on a claim's event: the version that attempt runs
-- The latest version of a name is its highest id.
CREATE INDEX modules_latest ON modules (name, id);
