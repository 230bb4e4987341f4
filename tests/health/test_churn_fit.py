"""The monotone piecewise score fitted to churn (nabd.health.churn_fit.monotone_points): hand-computed
cases, and the fit's scores equal the scorecard's piecewise rule computed in the engine."""

from __future__ import annotations

import ibis
import numpy as np
import pytest

from nabd.health.churn_fit import monotone_points, piecewise_scores
from nabd.health.score_expression import rule_score
from nabd.health.scorecard import Piecewise


def test_a_curve_scores_the_least_churn_100_and_the_most_0():
    # bins 1, 2, 3, 4 churn 1, 1, 0, 0: rates already monotone, scores 0 0 100 100; the flat first point goes
    points = monotone_points(np.array([1.0, 2.0, 3.0, 4.0]), np.array([1, 1, 0, 0]), bins=4)
    assert points == [(2.0, 0.0), (3.0, 100.0)]


def test_a_curve_falls_when_more_of_the_value_goes_with_more_churn():
    # bins 1, 2, 3 with churn rates 0, 1/2, 1: score = 100 (1 - r) / (1 - 0)
    values = np.array([1.0, 1.0, 2.0, 2.0, 3.0, 3.0])
    churned = np.array([0, 0, 0, 1, 1, 1])
    assert monotone_points(values, churned, bins=3) == [(1.0, 100.0), (2.0, 50.0), (3.0, 0.0)]


def test_rates_out_of_order_are_pooled_into_a_monotone_curve():
    # bin rates 1, 0, 1/2, 0 (bins of two): decreasing fit pools 0 and 1/2 to 1/4: 1, 1/4, 1/4, 0
    values = np.array([1.0, 1.0, 2.0, 2.0, 3.0, 3.0, 4.0, 4.0])
    churned = np.array([1, 1, 0, 0, 1, 0, 0, 0])
    assert monotone_points(values, churned, bins=4) == [(1.0, 0.0), (2.0, 75.0), (3.0, 75.0), (4.0, 100.0)]


def test_tied_values_stay_in_one_bin():
    # eight zeros (two churned) and two ones (none): two bins whatever the requested count
    values = np.array([0.0] * 8 + [1.0, 1.0])
    churned = np.array([1, 1] + [0] * 8)
    assert monotone_points(values, churned, bins=5) == [(0.0, 0.0), (1.0, 100.0)]


def test_a_value_unrelated_to_churn_has_no_curve():
    assert monotone_points(np.array([1.0, 2.0, 3.0, 4.0]), np.array([1, 0, 1, 0]), bins=2) is None
    assert monotone_points(np.array([5.0, 5.0, 5.0]), np.array([1, 0, 0])) is None


@pytest.mark.parametrize("value", [-3.0, 0.0, 1.0, 1.5, 2.0, 2.25, 4.0, 9.0])
def test_the_fitted_scores_are_the_scorecard_rule_computed_in_the_engine(value):
    points = [(0.0, 10.0), (2.0, 60.0), (4.0, 100.0)]
    table = ibis.memtable({"value": [value]})
    engine = ibis.duckdb.connect().execute(table.select(s=rule_score(Piecewise(kind="piecewise", points=points),
                                                                     table.value)))["s"][0]
    assert piecewise_scores(np.array([value]), points)[0] == pytest.approx(engine, abs=1e-12)


def test_a_missing_value_has_no_fitted_score():
    assert np.isnan(piecewise_scores(np.array([np.nan]), [(0.0, 0.0), (1.0, 100.0)])[0])
