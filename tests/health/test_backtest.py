"""Backtest statistics and suggested weights on small histories with known answers."""

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from tests.health.health_history import AS_OF, IDENTITY, account, activity, custom, given, period, scorecard

from nabd.errors import NabdError
from nabd.health.backtest import auc, backtest_dates, run_backtest
from nabd.health.scorecard import MissingData, load_scorecard
from nabd.health.churn_fit import Candidate, choose_strength, fit_weights, roc_auc
from nabd.health.suggest import (
    measure_features,
    split_dates,
    suggested_scorecard,
    write_scorecard,
)



def test_auc_is_the_share_of_churner_survivor_pairs_ranked_right():
    # churners 0.35, 0.8 vs survivors 0.1, 0.4: pairs right: (.35>.1), (.8>.1), (.8>.4) = 3 of 4
    assert auc(np.array([0.1, 0.4, 0.35, 0.8]), np.array([0, 0, 1, 1])) == 0.75


def test_auc_counts_a_tie_as_half():
    assert auc(np.array([1.0, 1.0]), np.array([1, 0])) == 0.5


def test_auc_is_undefined_without_churn():
    assert auc(np.array([1.0, 2.0]), np.array([0, 0])) is None


@pytest.fixture
def history(store):
    # A (score 10) and B (60) end on 07-15, within 30 days of 06-30; C (55) and D (90) stay. MRR 100 each.
    given(store, accounts=[account(a) for a in "ABCD"], subscriptions=[
        period("SA", "A", end=date(2024, 7, 15)), period("SB", "B", end=date(2024, 7, 15)),
        period("SC", "C"), period("SD", "D"),
    ], activity_daily=[activity("C", "c1", date(2024, 8, 31), "login")])
    return scorecard(custom("m", {"A": 10, "B": 60, "C": 55, "D": 90}, IDENTITY))


def test_backtest_auc_churn_per_band_lift_and_calibration(store, history):
    # pairs (churner risk > survivor risk, risk = -score): A>C, A>D, B>D right, B<C wrong: AUC 3/4
    result = run_backtest(store, history, [AS_OF], 30)
    assert (result.accounts, result.churned, result.churn_rate, result.auc) == (4, 2, 0.5, 0.75)
    assert [(b.band, b.accounts, b.churned, b.churn_rate, b.mrr_lost_per_date) for b in result.bands] == [
        ("unhealthy", 1, 1, 1.0, 100.0), ("neutral", 2, 1, 0.5, 100.0), ("healthy", 1, 0, 0.0, 0.0),
    ]
    # lowest decile: ceil(4 / 10) = 1 account (A, churned): 1.0 / 0.5 = lift 2
    assert (result.lowest_decile_churn_rate, result.lowest_decile_lift) == (1.0, 2.0)
    assert [(c.low, c.accounts, c.churn_rate) for c in result.calibration if c.accounts] == [
        (10, 1, 1.0), (50, 1, 0.0), (60, 1, 1.0), (90, 1, 0.0),
    ]


def test_a_backtest_stores_nothing(store, history):
    run_backtest(store, history, [AS_OF], 30)
    assert store.scalar("SELECT count(*) FROM health_scores") == 0


def test_backtest_dates_end_where_the_horizon_is_still_observed(store, history):
    # data ends 2024-08-31 (last activity): 90 days earlier is 2024-06-02
    assert backtest_dates(store, date(2024, 5, 19), None, 7, 90) == [date(2024, 5, 19), date(2024, 5, 26), date(2024, 6, 2)]
    with pytest.raises(NabdError, match="use --to 2024-06-02 or earlier"):
        backtest_dates(store, None, date(2024, 6, 30), 7, 90)


BINARY_X = np.array([[0.0]] * 4 + [[1.0]] * 4)
BINARY_Y = np.array([1, 1, 1, 0, 1, 0, 0, 0], dtype=float)


def test_the_fit_recovers_the_log_odds_of_a_protective_binary_measure():
    # x = 0: 3 of 4 churn -> b0 = ln 3; x = 1: 1 of 4 -> b0 - c = -ln 3, so c = 2 ln 3 (no shrinkage)
    assert fit_weights(BINARY_X, BINARY_Y) == pytest.approx([np.log(3), 2 * np.log(3)], abs=1e-4)


def test_shrinkage_pulls_the_coefficient_toward_zero():
    assert 0 < fit_weights(BINARY_X, BINARY_Y, strength=0.5)[1] < fit_weights(BINARY_X, BINARY_Y, strength=0.05)[1] < 2 * np.log(3)
    assert fit_weights(BINARY_X, BINARY_Y, strength=1000.0)[1] == pytest.approx(0.0, abs=0.01)


def test_scikit_learns_auc_is_the_share_of_churner_survivor_pairs_ranked_right():
    # churners' risks 3, 2 against survivors' 2, 1: pairs (3>2), (3>1), (2=2 counts half), (2>1) -> 3.5 / 4
    assert roc_auc(np.array([3.0, 2, 2, 1]), np.array([1, 1, 0, 0])) == pytest.approx(0.875)
    assert roc_auc(np.array([1.0, 2]), np.array([0, 0])) is None


def test_a_measure_whose_higher_score_goes_with_more_churn_gets_weight_zero_not_negative():
    assert fit_weights(BINARY_X, 1 - BINARY_Y)[1] == 0.0


def test_a_measure_held_at_zero_leaves_the_others_at_their_own_fit():
    # x2 (1 for the first two rows of each x1 group) goes with churn in both groups, so its weight stays 0
    # and b0, c1 are the one-measure fit: ln 3 and 2 ln 3
    features = np.column_stack([BINARY_X[:, 0], [1.0, 1, 0, 0, 1, 1, 0, 0]])
    assert fit_weights(features, BINARY_Y) == pytest.approx([np.log(3), 2 * np.log(3), 0.0], abs=1e-4)


def test_a_missing_measure_score_is_filled_as_the_scorecard_scores_it():
    card = load_scorecard()
    frame = pd.DataFrame({f"s__{m.id}": [80.0] for m in card.measures} | {"weighted_score": [62.0]})
    frame.loc[0, "s__nps_latest"] = None
    features = measure_features(frame, card)  # reweight: a missing score counts as the weighted score
    assert features[0, [m.id for m in card.measures].index("nps_latest")] == pytest.approx(0.62)
    neutral = card.model_copy(update={"missing_data": MissingData(policy="neutral", neutral_score=50)})
    assert measure_features(frame, neutral)[0, [m.id for m in card.measures].index("nps_latest")] == 0.5


def test_the_current_weights_are_kept_unless_a_fit_beats_them_by_more_than_one_standard_error():
    assert choose_strength([Candidate(None, 0.70, 0.02), Candidate(0.01, 0.71, 0.03), Candidate(1.0, 0.69, 0.02)]) is None
    assert choose_strength([Candidate(None, 0.60, 0.02), Candidate(0.01, 0.75, 0.03), Candidate(1.0, 0.73, 0.02)]) == 1.0
    assert choose_strength([Candidate(None, 0.60, 0.02), Candidate(0.01, 0.75, 0.01), Candidate(1.0, 0.70, 0.02)]) == 0.01


def test_weights_are_fitted_on_dates_whose_horizon_ends_before_the_evaluation_dates():
    # 10 weekly dates from 01-01, the last 4 evaluate (from 01-01 + 42 = 02-12); fit needs d + 30 <= 02-12: 01-01, 01-08
    dates = [date(2024, 1, 1) + timedelta(days=7 * n) for n in range(10)]
    fit, evaluate = split_dates(dates, 30)
    assert evaluate == dates[6:]
    assert fit == [date(2024, 1, 1), date(2024, 1, 8)]


def test_a_suggested_scorecard_keeps_positive_weights_and_the_segment_overrides_of_kept_measures():
    card = load_scorecard()  # enterprise: licence_utilisation 20, csm_rating 12, usage_time_daily 3
    weights = {m.id: 0.0 for m in card.measures} | {"licence_utilisation": 60.0, "nps_latest": 40.0}
    suggested = suggested_scorecard(card, weights)
    assert suggested.name == "default-suggested"
    assert suggested.weights() == {"licence_utilisation": 60.0, "nps_latest": 40.0}
    assert suggested.segments["enterprise"].weights == {"licence_utilisation": 20.0}
    assert suggested.weights("enterprise") == {"licence_utilisation": 100 * 20 / 60, "nps_latest": 100 * 40 / 60}


def test_a_suggested_scorecard_is_written_to_a_new_file_only(tmp_path):
    card = load_scorecard()
    target = tmp_path / "suggested.yaml"
    write_scorecard(card, target)
    assert load_scorecard(target).version == card.version
    with pytest.raises(NabdError, match="already exists"):
        write_scorecard(card, target)
