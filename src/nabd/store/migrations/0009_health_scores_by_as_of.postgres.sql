-- A scoring run reads and writes the rows of one (scorecard_version, as_of): the previous run's rows
-- for band changes, its own for counts and checks. The primary key starts with account_id, so without
-- this index each of those reads scanned every stored day. (DuckDB instead drops its indexes on
-- health_scores in this migration: see its variant.)
CREATE INDEX health_scores_as_of ON health_scores (scorecard_version, as_of);
