-- Each scored account's per-measure detail becomes one typed array instead of JSON (see the DuckDB
-- variant of this migration for why). measure_values holds, for the measure at layout position p
-- (1, 2, ...), its raw value, score, weight and contribution at [4p-3], [4p-2], [4p-1] and [4p];
-- health_score_layouts names the measure at each position of a scorecard version, and the view
-- health_measure_scores reads them back as rows. Scores stored before are converted.
CREATE TABLE health_score_layouts (
    scorecard_version TEXT NOT NULL,
    position          INTEGER NOT NULL,   -- 1, 2, ...: the scorecard's order of measures
    measure           TEXT NOT NULL,
    PRIMARY KEY (scorecard_version, position)
);

INSERT INTO health_score_layouts
SELECT DISTINCT ON (scorecard_version, key.position) scorecard_version, key.position, key.measure
FROM health_scores, json_object_keys(measures) WITH ORDINALITY AS key(measure, position)
WHERE measures IS NOT NULL
ORDER BY scorecard_version, key.position;

ALTER TABLE health_scores ADD COLUMN measure_values DOUBLE PRECISION[];

UPDATE health_scores SET measure_values = (
    SELECT array_agg(part.value ORDER BY entry.position, part.n)
    FROM json_each(health_scores.measures) WITH ORDINALITY AS entry(measure, detail, position),
         LATERAL (VALUES (1, (entry.detail ->> 'raw')::double precision),
                         (2, (entry.detail ->> 'score')::double precision),
                         (3, (entry.detail ->> 'weight')::double precision),
                         (4, (entry.detail ->> 'contribution')::double precision)) AS part(n, value)
)
WHERE measures IS NOT NULL;

ALTER TABLE health_scores DROP COLUMN measures;

CREATE VIEW health_measure_scores AS
SELECT s.account_id, s.as_of, s.scorecard_version, l.position, l.measure,
       s.measure_values[4 * l.position - 3] AS raw,
       s.measure_values[4 * l.position - 2] AS score,
       s.measure_values[4 * l.position - 1] AS weight,
       s.measure_values[4 * l.position] AS contribution
FROM health_scores s
JOIN health_score_layouts l ON l.scorecard_version = s.scorecard_version;
