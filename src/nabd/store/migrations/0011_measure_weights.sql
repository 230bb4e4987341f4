-- A scored account's measure_values held each measure's raw value, score, weight and contribution. But a
-- weight is the scorecard version's for the account's segment, and a contribution follows from the score,
-- the weight and the coverage: writing both for every account every day was half of what a scoring run
-- wrote (~0.9 s of a 1M-account run, and half of health_scores' growth: benchmarks/RESULTS.md).
-- From here a run stores, per measure at layout position p, the raw value at [2p-1] and the score at [2p],
-- and in weight_set which weights applied; health_score_weights holds each version's sets of weights.
-- Rows stored before keep their four values per measure (weight_set NULL); the view reads both.
CREATE TABLE health_score_weights (
    scorecard_version TEXT NOT NULL,
    weight_set        INTEGER NOT NULL,           -- 0: the scorecard's weights; k: its k-th segment override's
    position          INTEGER NOT NULL,           -- the measure's position in health_score_layouts
    weight            DOUBLE PRECISION NOT NULL,  -- normalised: the weights of a set add up to 100
    missing_score     DOUBLE PRECISION,           -- what a measure without data scores (policy neutral);
                                                  -- NULL: it counts for nothing, the others are reweighted
    PRIMARY KEY (scorecard_version, weight_set, position)
);

ALTER TABLE health_scores ADD COLUMN weight_set INTEGER;

DROP VIEW health_measure_scores;

-- contribution = weight x score / (coverage x 100) when reweighting, weight x coalesce(score, missing_score)
-- / 100 under the neutral policy, none below minimum coverage (weighted_score NULL): the scoring query's
-- own arithmetic (nabd.health.scoring.scored), so the two agree to the last bit.
CREATE VIEW health_measure_scores AS
SELECT s.account_id, s.as_of, s.scorecard_version, l.position, l.measure,
       CASE WHEN s.weight_set IS NULL THEN s.measure_values[4 * l.position - 3]
            ELSE s.measure_values[2 * l.position - 1] END AS raw,
       CASE WHEN s.weight_set IS NULL THEN s.measure_values[4 * l.position - 2]
            ELSE s.measure_values[2 * l.position] END AS score,
       CASE WHEN s.weight_set IS NULL THEN s.measure_values[4 * l.position - 1]
            ELSE w.weight END AS weight,
       CASE WHEN s.weight_set IS NULL THEN s.measure_values[4 * l.position]
            WHEN s.weighted_score IS NULL THEN NULL
            WHEN w.missing_score IS NULL THEN w.weight * s.measure_values[2 * l.position] / (s.coverage * 100)
            ELSE w.weight * coalesce(s.measure_values[2 * l.position], w.missing_score) / 100 END AS contribution
FROM health_scores s
JOIN health_score_layouts l ON l.scorecard_version = s.scorecard_version
LEFT JOIN health_score_weights w
       ON w.scorecard_version = s.scorecard_version AND w.weight_set = s.weight_set AND w.position = l.position;
