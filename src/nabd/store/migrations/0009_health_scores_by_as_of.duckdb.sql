-- health_scores grows by one row per account and day. On DuckDB its ART indexes (the primary key and
-- health_scores_account) made every scoring run slower than the one before: a checkpoint writes the
-- whole index again (DuckDB 1.5; duckdb/duckdb#24848), so at 1M accounts with 30 days stored a run's
-- COMMIT took 20 s instead of 0.6 s, and the indexes took ~110 bytes a row (benchmarks/RESULTS.md).
-- The table is rebuilt without them. A run replaces its (as_of, scorecard_version) rows with a DELETE
-- and an INSERT in one transaction (the one-writer rule of the embedded store: DESIGN.md) and writes
-- them in account_id order, so the min-max zone maps of each as-of's row groups find one account
-- without an index.
CREATE TABLE health_scores_0009 AS SELECT * FROM health_scores;

DROP TABLE health_scores;

CREATE TABLE health_scores (
    account_id        TEXT NOT NULL,
    as_of             DATE NOT NULL,
    scorecard_version TEXT NOT NULL,
    scorecard         TEXT NOT NULL,
    score             INTEGER,
    weighted_score    DOUBLE PRECISION,
    band              TEXT,
    coverage          DOUBLE PRECISION,
    measure_values    DOUBLE PRECISION[],  -- per measure at layout position p: raw, score, weight, contribution
    computed_at       TIMESTAMP NOT NULL
);

INSERT INTO health_scores SELECT * FROM health_scores_0009 ORDER BY as_of, scorecard_version, account_id;
DROP TABLE health_scores_0009;
