"""Acceptance on the demo company: does the default scorecard predict 90-day churn? Figures are printed.

The issue's target is AUC >= 0.70; the scorecard, the data and the thresholds are never tuned to
reach it. The assertions hold what a useful score must show (red churns more than yellow, yellow
more than green, better than chance); the AUC itself is printed and recorded in benchmarks/RESULTS.md.

Suggested weights must IMPROVE the AUC on a later window than they were fitted on. That needs history:
on the 150-account session demo (18 churned accounts in the fit window) cross-validation cannot tell a
fit from the current weights and keeps them, so there the test holds that the suggestion does not lose.
A 3,000-account demo (the same generator and seed, ~280 churned accounts in the fit window) is where a
fit can be told apart; the learning curve over company sizes and seeds is in benchmarks/RESULTS.md.
"""

from datetime import date, timedelta

import pytest

from nabd.demo import build_demo
from nabd.health.backtest import backtest_dates, render_backtest, run_backtest
from nabd.health.scorecard import load_scorecard
from nabd.health.scorecard_init import init_scorecard, render_starter
from nabd.health.suggest import render_suggestion, suggest_weights, write_scorecard
from nabd.store import open_store

HORIZON = 90


def test_the_default_scorecard_ranks_churn_red_over_yellow_over_green(demo_store, capsys):
    card = load_scorecard()
    dates = backtest_dates(demo_store, date(2025, 8, 2), date(2026, 8, 1), 28, HORIZON)
    result = run_backtest(demo_store, card, dates, HORIZON)
    with capsys.disabled():
        print("\n" + "\n".join(render_backtest(result)))
    red, yellow, green = (b.churn_rate for b in result.bands[:3])
    assert red > yellow > green
    assert result.auc > 0.6


def test_suggested_weights_are_judged_on_dates_after_their_fit_window(demo_store, capsys, tmp_path):
    card = load_scorecard()
    dates = backtest_dates(demo_store, date(2025, 8, 2), date(2026, 8, 1), 14, HORIZON)
    suggestion = suggest_weights(demo_store, card, dates, HORIZON)
    with capsys.disabled():
        print("\n" + "\n".join(render_suggestion(suggestion)))
    assert suggestion.fitted_on[-1] + timedelta(days=HORIZON) <= suggestion.evaluated_on[0]
    assert round(sum(suggestion.suggested_weights.values()), 6) == 100
    assert suggestion.current.auc is not None and suggestion.suggested.auc is not None
    assert suggestion.suggested.auc >= suggestion.current.auc - 0.005  # the unshrunk fit of before lost 0.032
    write_scorecard(suggestion.scorecard, tmp_path / "suggested.yaml")  # the segment override is kept
    assert load_scorecard(tmp_path / "suggested.yaml").segments["enterprise"].weights == {
        i: w for i, w in card.segments["enterprise"].weights.items() if i in suggestion.scorecard.weights()}
    assert "enterprise" in load_scorecard(tmp_path / "suggested.yaml").segments


@pytest.fixture(scope="module")
def company_of_3000(tmp_path_factory):
    """The demo company at 3,000 accounts (18 months to 2026-10-31, seed 7), built once for this module."""
    folder = tmp_path_factory.mktemp("demo3000")
    store = open_store(f"duckdb:///{folder / 'nabd.duckdb'}")
    build_demo(store, accounts=3000, months=18, seed=7, end_date=date(2026, 10, 31), workdir=folder / "files")
    yield store
    store.close()


def test_suggested_weights_improve_the_auc_on_a_later_window_with_enough_history(company_of_3000, capsys):
    # `nabd score suggest` with its defaults: weekly as-of dates over the year whose horizon is observed
    card = load_scorecard()
    dates = backtest_dates(company_of_3000, None, None, 7, HORIZON)
    suggestion = suggest_weights(company_of_3000, card, dates, HORIZON)
    with capsys.disabled():
        print("\n" + "\n".join(render_suggestion(suggestion)))
    assert suggestion.fitted_on[-1] + timedelta(days=HORIZON) <= suggestion.evaluated_on[0]
    assert suggestion.strength is not None  # cross-validation inside the fit window chose a fit
    assert suggestion.suggested.auc > suggestion.current.auc


def test_a_scorecard_learnt_by_init_ranks_churn_at_least_as_well_as_the_shipped_default(company_of_3000, capsys):
    # `nabd scorecard init` with four-weekly as-of dates over the observed year: fit early, check late
    starter = init_scorecard(company_of_3000, backtest_dates(company_of_3000, None, None, 28, HORIZON), HORIZON)
    with capsys.disabled():
        print("\n" + "\n".join(render_starter(starter)))
    assert starter.fitted_on[-1] + timedelta(days=HORIZON) <= starter.checked_on[0]
    assert starter.check.auc >= starter.shipped["default"].auc
