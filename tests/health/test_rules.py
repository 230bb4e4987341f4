"""Scoring rules, weights, missing data, segment overrides and band edges, computed in the engine."""

import pytest
from tests.health.health_history import IDENTITY, custom, customer, scorecard, scores_by_account



def score_of(store, values, rule, extra=""):
    for account in values:
        customer(store, account)
    card = scorecard(custom("m", values, rule), extra)
    return {a: row["s__m"] for a, row in scores_by_account(store, card).items()}


def test_thresholds_score_the_highest_step_reached_and_below_under_the_first(store):
    rule = "{kind: thresholds, below: 10, steps: [{min: 0, score: 100}, {min: 3, score: 70}, {min: 6, score: 30}]}"
    values = {"A": -1, "B": 0, "C": 2.9, "D": 3, "E": 6, "F": 100}
    assert score_of(store, values, rule) == {"A": 10, "B": 100, "C": 100, "D": 70, "E": 30, "F": 30}


def test_piecewise_interpolates_between_points_and_holds_beyond_the_ends(store):
    # 15 is halfway 0..30: 100 + (40-100)/2 = 70; 45 is halfway 30..60: 40 + (0-40)/2 = 20
    rule = "{kind: piecewise, points: [[0, 100], [30, 40], [60, 0]]}"
    values = {"A": -5, "B": 15, "C": 30, "D": 45, "E": 90}
    assert score_of(store, values, rule) == pytest.approx({"A": 100, "B": 70, "C": 40, "D": 20, "E": 0})


def test_percentile_ranks_within_the_segment(store):
    # SMB 10, 20, 30, 40: percent_rank (rank-1)/(n-1) = 0, 1/3, 2/3, 1; X alone in Enterprise scores 50
    for account in "ABCD":
        customer(store, account)
    customer(store, "X", segment="Enterprise")
    card = scorecard(custom("m", {"A": 10, "B": 20, "C": 30, "D": 40, "X": 1}, "{kind: percentile}"))
    scores = {a: row["s__m"] for a, row in scores_by_account(store, card).items()}
    assert scores == pytest.approx({"A": 0, "B": 100 / 3, "C": 200 / 3, "D": 100, "X": 50})


def test_percentile_lower_is_better_reverses_the_rank(store):
    scores = score_of(store, {"A": 1, "B": 2, "C": 3}, "{kind: percentile, higher_is_better: false}")
    assert scores == pytest.approx({"A": 100, "B": 50, "C": 0})


def test_float_noise_in_a_raw_value_does_not_change_its_percentile_rank(store):
    # 0.1 + 0.2 is 0.30000000000000004 in doubles; rounded to 9 places it ties with 0.3: both rank first
    scores = score_of(store, {"A": 0.1 + 0.2, "B": 0.3, "C": 0.6}, "{kind: percentile}")
    assert scores == pytest.approx({"A": 0, "B": 0, "C": 100})


def test_float_noise_in_a_raw_value_does_not_keep_it_below_a_threshold(store):
    # 0.7 + 0.1 is 0.7999999999999999 in doubles; rounded to 9 places it reaches the 0.8 step
    rule = "{kind: thresholds, below: 0, steps: [{min: 0.8, score: 100}]}"
    assert score_of(store, {"A": 0.7 + 0.1}, rule) == {"A": 100}


def test_boolean_scores_non_zero_as_true(store):
    scores = score_of(store, {"A": 0, "B": 2}, "{kind: boolean, true_score: 100, false_score: 60}")
    assert scores == {"A": 60, "B": 100}


def test_a_missing_value_has_no_score_under_any_rule(store):
    scores = score_of(store, {"A": None, "B": 1}, "{kind: boolean}")
    assert scores == {"A": None, "B": 100}


def _three_measures(extra):
    # m1 scores 80 (weight 1), m2 has no data (weight 1), m3 scores 20 (weight 2)
    return scorecard(
        custom("m1", {"A": 80}, IDENTITY, 1) + custom("m2", {"A": None}, IDENTITY, 1)
        + custom("m3", {"A": 20}, IDENTITY, 2),
        extra,
    )


def test_reweight_scores_over_the_available_measures(store):
    # weights 25/25/50; available 75: (25 x 80 + 50 x 20) / 75 = 3000 / 75 = 40; coverage 0.75
    customer(store, "A")
    row = scores_by_account(store, _three_measures("missing_data: {policy: reweight}"))["A"]
    assert (row["weighted_score"], row["score"], row["coverage"]) == pytest.approx((40, 40, 0.75))
    assert row["c__m2"] is None


def test_neutral_scores_a_missing_measure_at_the_neutral_value(store):
    # (25 x 80 + 25 x 50 + 50 x 20) / 100 = (2000 + 1250 + 1000) / 100 = 42.5 -> 43
    customer(store, "A")
    row = scores_by_account(store, _three_measures("missing_data: {policy: neutral, neutral_score: 50}"))["A"]
    assert (row["weighted_score"], row["score"], row["c__m2"]) == pytest.approx((42.5, 43, 12.5))


def test_below_minimum_coverage_there_is_no_score_and_no_band(store):
    # coverage 0.75 < 0.8
    customer(store, "A")
    row = scores_by_account(store, _three_measures("missing_data: {minimum_coverage: 0.8}"))["A"]
    assert (row["score"], row["band"], row["coverage"]) == (None, None, pytest.approx(0.75))


def test_a_segment_override_changes_the_weights_of_that_segment_only(store):
    # default 1:1 -> (100 + 0) / 2 = 50; enterprise 3:1 -> (300 + 0) / 4 = 75
    customer(store, "A", segment="SMB")
    customer(store, "B", segment="ENTERPRISE")
    card = scorecard(
        custom("m1", {"A": 100, "B": 100}, IDENTITY) + custom("m2", {"A": 0, "B": 0}, IDENTITY),
        "segments:\n  enterprise:\n    weights: {m1: 3}",
    )
    rows = scores_by_account(store, card)
    assert (rows["A"]["score"], rows["B"]["score"]) == (50, 75)
    assert (rows["A"]["w__m1"], rows["B"]["w__m1"]) == (50, 75)


def test_band_edges_and_half_up_rounding(store):
    # identity rule, one measure: weighted score = value; 50.5 rounds half-up to 51, 50.49 to 50
    values = {"A": 50, "B": 51, "C": 79, "D": 80, "E": 50.5, "F": 50.49, "G": 0, "H": 100}
    for account in values:
        customer(store, account)
    rows = scores_by_account(store, scorecard(custom("m", values, IDENTITY)))
    assert {a: (r["score"], r["band"]) for a, r in rows.items()} == {
        "A": (50, "unhealthy"), "B": (51, "neutral"), "C": (79, "neutral"), "D": (80, "healthy"),
        "E": (51, "neutral"), "F": (50, "unhealthy"), "G": (0, "unhealthy"), "H": (100, "healthy"),
    }


def test_a_float_sum_just_under_a_half_still_rounds_up(store):
    # weights 1:2 -> 33.33..:66.66..; scores 51.5 and 50: (51.5 + 2 x 50) / 3 = 50.5 in exact arithmetic
    customer(store, "A")
    card = scorecard(custom("m1", {"A": 51.5}, IDENTITY, 1) + custom("m2", {"A": 50}, IDENTITY, 2))
    assert scores_by_account(store, card)["A"]["score"] == 51
