"""Backtest statistics and suggested weights on small histories with known answers."""

from datetime import date, timedelta

import numpy as np
import pytest
from tests.health.health_history import AS_OF, account, activity, custom, given, period, scorecard

from nabd.errors import NabdError
from nabd.health.backtest import auc, backtest_dates, run_backtest
from nabd.health.scorecard import load_scorecard
from nabd.health.suggest import fit_logistic, split_dates, suggested_scorecard, write_scorecard

IDENTITY = "{kind: piecewise, points: [[0, 0], [100, 100]]}"


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


def test_logistic_regression_recovers_the_log_odds_of_a_binary_measure():
    # x = 0: 3 of 4 churn -> b0 = ln 3; x = 1: 1 of 4 -> b0 + b1 = -ln 3, so b1 = -2 ln 3 (no penalty)
    x = np.array([[0.0]] * 4 + [[1.0]] * 4)
    y = np.array([1, 1, 1, 0, 1, 0, 0, 0], dtype=float)
    assert fit_logistic(x, y, l2=0.0) == pytest.approx([np.log(3), -2 * np.log(3)], abs=1e-6)


def test_the_l2_penalty_shrinks_the_coefficient():
    x = np.array([[0.0]] * 4 + [[1.0]] * 4)
    y = np.array([1, 1, 1, 0, 1, 0, 0, 0], dtype=float)
    assert -2 * np.log(3) < fit_logistic(x, y, l2=5.0)[1] < 0


def test_weights_are_fitted_on_dates_whose_horizon_ends_before_the_evaluation_dates():
    # 10 weekly dates from 01-01, the last 4 evaluate (from 01-01 + 42 = 02-12); fit needs d + 30 <= 02-12: 01-01, 01-08
    dates = [date(2024, 1, 1) + timedelta(days=7 * n) for n in range(10)]
    fit, evaluate = split_dates(dates, 30)
    assert evaluate == dates[6:]
    assert fit == [date(2024, 1, 1), date(2024, 1, 8)]


def test_a_suggested_scorecard_keeps_positive_weights_and_drops_segment_overrides():
    card = load_scorecard()
    weights = {m.id: 0.0 for m in card.measures} | {"licence_utilisation": 60.0, "nps_latest": 40.0}
    suggested = suggested_scorecard(card, weights)
    assert (suggested.name, suggested.segments) == ("default-suggested", {})
    assert suggested.weights() == {"licence_utilisation": 60.0, "nps_latest": 40.0}


def test_a_suggested_scorecard_is_written_to_a_new_file_only(tmp_path):
    card = load_scorecard()
    target = tmp_path / "suggested.yaml"
    write_scorecard(card, target)
    assert load_scorecard(target).version == card.version
    with pytest.raises(NabdError, match="already exists"):
        write_scorecard(card, target)
