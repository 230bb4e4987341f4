-- Each scored account's per-measure detail becomes one typed array instead of JSON text: DuckDB
-- built and compressed ~1.6 KB of JSON per account, the largest part of a scoring run's write
-- (benchmarks/RESULTS.md). measure_values holds, for the measure at layout position p (1, 2, ...),
-- its raw value, score, weight and contribution at [4p-3], [4p-2], [4p-1] and [4p];
-- health_score_layouts names the measure at each position of a scorecard version, and the view
-- health_measure_scores reads them back as rows. Scores stored before are converted.
CREATE TABLE health_score_layouts (
    scorecard_version TEXT NOT NULL,
    position          INTEGER NOT NULL,   -- 1, 2, ...: the scorecard's order of measures
    measure           TEXT NOT NULL,
    PRIMARY KEY (scorecard_version, position)
);

INSERT INTO health_score_layouts
SELECT scorecard_version, generate_subscripts(measure_ids, 1), unnest(measure_ids)
FROM (SELECT scorecard_version, any_value(json_keys(measures)) AS measure_ids
      FROM health_scores WHERE measures IS NOT NULL GROUP BY scorecard_version);

-- DuckDB cannot alter a table with indexes in place: the table is rebuilt with the new column
CREATE TABLE health_scores_0008 AS
SELECT account_id, as_of, scorecard_version, scorecard, score, weighted_score, band, coverage,
       -- a MAP keeps the JSON's order of measures; one cast parses each row once
       flatten(list_transform(
           map_values(CAST(measures AS MAP(VARCHAR, STRUCT(raw DOUBLE, score DOUBLE, weight DOUBLE, contribution DOUBLE)))),
           detail -> [detail.raw, detail.score, detail.weight, detail.contribution])) AS measure_values,
       computed_at
FROM health_scores;

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
    computed_at       TIMESTAMP NOT NULL,
    PRIMARY KEY (account_id, as_of, scorecard_version)
);

INSERT INTO health_scores SELECT * FROM health_scores_0008;
DROP TABLE health_scores_0008;
CREATE INDEX health_scores_account ON health_scores (account_id);

CREATE VIEW health_measure_scores AS
SELECT s.account_id, s.as_of, s.scorecard_version, l.position, l.measure,
       s.measure_values[4 * l.position - 3] AS raw,
       s.measure_values[4 * l.position - 2] AS score,
       s.measure_values[4 * l.position - 1] AS weight,
       s.measure_values[4 * l.position] AS contribution
FROM health_scores s
JOIN health_score_layouts l ON l.scorecard_version = s.scorecard_version;
