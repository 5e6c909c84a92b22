-- The jobs page filtered by label, newest or oldest first, paged by key: one keyed read per matching
-- label set (store/DESIGN.md, JobReads). Partial: a job that requires no labels (set 0) has no entry,
-- so it costs apply nothing; a labelled job pays one entry when its set is written at submission
-- (no later update of a job changes label_set or seq).
CREATE INDEX jobs_by_label_set ON jobs (label_set, seq) WHERE label_set > 0;
