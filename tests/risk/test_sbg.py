"""The shifted-beta-geometric model: published fits, and each formula on a hand-computed case."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nabd.errors import NabdError
from nabd.risk.sbg import (
    ShiftedBetaGeometricFitter,
    churn_probability,
    discounted_residual_lifetime,
    expected_remaining_periods,
    retention_rate,
    survival,
)

REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241, 223, 207, 194, 183, 173]
HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491, 468, 445, 427, 409, 394]


def test_regular_customers_reproduce_the_published_fit():
    """Fader & Hardie (2007), "How to project customer retention", J. Interactive Marketing 21(1): the
    "regular" customers' survivors for years 0-7 give alpha = 0.704, beta = 1.182 (LL = -1680.3)."""
    model = ShiftedBetaGeometricFitter().fit_survivors(REGULAR[:8])
    assert model.alpha == pytest.approx(0.704, rel=0.01)
    assert model.beta == pytest.approx(1.182, rel=0.01)
    assert model.estimate.log_likelihood == pytest.approx(-1680.3, abs=0.1)


def test_high_end_customers_reproduce_the_published_fit():
    """Fader & Hardie (2007): the "high end" customers' survivors for years 0-7 give alpha = 0.668, beta = 3.806
    (LL = -1611.2)."""
    model = ShiftedBetaGeometricFitter().fit_survivors(HIGH_END[:8])
    assert model.alpha == pytest.approx(0.668, rel=0.01)
    assert model.beta == pytest.approx(3.806, rel=0.01)
    assert model.estimate.log_likelihood == pytest.approx(-1611.2, abs=0.1)


def test_the_fit_projects_the_held_out_years_within_the_papers_accuracy():
    """The paper's point: years 8-12 projected from years 0-7 stay within a few customers of the truth."""
    model = ShiftedBetaGeometricFitter().fit_survivors(REGULAR[:8])
    projected = 1000 * model.survival_function(range(8, 13))[0]
    assert np.all(np.abs(projected - np.array(REGULAR[8:])) < 10)


def test_probability_of_leaving_in_period_t_with_alpha_and_beta_one():
    """alpha = beta = 1: P(T = t) = B(2, t) / B(1, 1) = 1 / (t (t + 1))."""
    assert churn_probability(1.0, 1.0, np.array([1, 2, 3])) == pytest.approx([1 / 2, 1 / 6, 1 / 12])


def test_survival_with_alpha_and_beta_one():
    """S(t) = B(1, 1 + t) / B(1, 1) = 1 / (t + 1)."""
    assert survival(1.0, 1.0, np.array([0, 1, 4])) == pytest.approx([1.0, 1 / 2, 1 / 5])


def test_retention_rate_is_the_ratio_of_survivals():
    """r(t) = (beta + t - 1) / (alpha + beta + t - 1): alpha = 2, beta = 3, t = 2 gives 4 / 6."""
    assert retention_rate(2.0, 3.0, np.array([2])) == pytest.approx([4 / 6])
    assert retention_rate(2.0, 3.0, np.array([2])) == pytest.approx(survival(2.0, 3.0, np.array([2])) / survival(2.0, 3.0, np.array([1])))


def test_discounted_residual_lifetime_with_alpha_and_beta_one():
    """alpha = beta = 1, n = 0, d = 1: DERL = sum_k S(k + 1) / (1 + d)^k = sum_k 0.5^k / (k + 2)
    = 4 (ln 2 - 1/2) = 0.772589 (the series in closed form)."""
    by_hand = sum(0.5**k / (k + 2) for k in range(200))
    assert by_hand == pytest.approx(4 * (math.log(2) - 0.5), rel=1e-12)
    assert discounted_residual_lifetime(1.0, 1.0, np.array([0]), 1.0) == pytest.approx([by_hand], rel=1e-9)


def test_expected_remaining_periods_is_finite_only_when_alpha_exceeds_one():
    """E[remaining | n] = (beta + n) / (alpha - 1): alpha = 3, beta = 2, n = 4 gives 3; alpha <= 1 is unbounded."""
    assert expected_remaining_periods(3.0, 2.0, np.array([4])) == pytest.approx([3.0])
    assert np.isinf(expected_remaining_periods(0.7, 1.2, np.array([4]))).all()


def test_fit_from_durations_equals_fit_from_survivor_counts():
    """Churned accounts by period and the still-active ones are the same data as a survivor curve."""
    by_counts = ShiftedBetaGeometricFitter().fit_survivors([10, 6, 4])
    by_accounts = ShiftedBetaGeometricFitter().fit([1] * 4 + [2] * 2 + [2] * 4, [True] * 6 + [False] * 4)
    assert by_accounts.alpha == pytest.approx(by_counts.alpha, rel=1e-4)
    assert by_accounts.beta == pytest.approx(by_counts.beta, rel=1e-4)


def test_residual_value_interval_contains_the_estimate():
    """value x DERL with a 95% delta-method interval around it."""
    model = ShiftedBetaGeometricFitter().fit_survivors(REGULAR[:8])
    value, lower, upper = model.predict_residual_value([0, 5], [100.0, 100.0], 0.10)
    assert np.all(lower < value) and np.all(value < upper)
    assert value[1] > value[0]  # a customer who renewed 5 times is worth more: the sorting effect


def test_parameter_summary_has_standard_errors_and_intervals():
    model = ShiftedBetaGeometricFitter().fit_survivors(REGULAR[:8])
    alpha = model.summary[0]
    assert alpha["parameter"] == "alpha" and alpha["se"] > 0
    assert alpha["lower_95"] < alpha["value"] < alpha["upper_95"]


def test_refuses_a_cohort_where_nobody_churned():
    with pytest.raises(NabdError, match="no customer has churned"):
        ShiftedBetaGeometricFitter().fit_survivors([100, 100, 100])
