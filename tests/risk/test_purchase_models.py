"""BG/NBD and Gamma-Gamma: the published CDNOW fits, and each formula on a hand-computed case."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest

from nabd.errors import NabdError
from nabd.risk.bgnbd import (
    BetaGeometricNBDFitter,
    expected_purchases,
    log_likelihood,
    probability_alive,
)
from nabd.risk.gamma_gamma import GammaGammaFitter, expected_spend
from nabd.risk.gamma_gamma import log_likelihood as spend_log_likelihood

CDNOW = Path(__file__).parent / "data" / "cdnow_summary.csv"


@pytest.fixture(scope="module")
def cdnow() -> dict[str, np.ndarray]:
    with CDNOW.open() as handle:
        rows = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    return {name: np.array([float(row[name]) for row in rows]) for name in ("frequency", "recency", "T", "monetary_value")}


@pytest.fixture(scope="module")
def bgnbd(cdnow) -> BetaGeometricNBDFitter:
    return BetaGeometricNBDFitter().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])


def test_the_cdnow_sample_has_2357_customers_946_of_them_repeat_buyers(cdnow):
    assert len(cdnow["frequency"]) == 2357
    assert int((cdnow["frequency"] > 0).sum()) == 946


def test_bgnbd_reproduces_the_published_cdnow_fit(bgnbd):
    """Fader, Hardie & Lee (2005), "Counting your customers the easy way", Marketing Science 24(2), 275-284:
    on the CDNOW sample (2,357 customers, 39 weeks) r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, LL = -9582.4."""
    assert bgnbd.r == pytest.approx(0.243, rel=0.01)
    assert bgnbd.alpha == pytest.approx(4.414, rel=0.01)
    assert bgnbd.a == pytest.approx(0.793, rel=0.01)
    assert bgnbd.b == pytest.approx(2.426, rel=0.01)
    assert bgnbd.estimate.log_likelihood == pytest.approx(-9582.4, abs=0.1)


def test_bgnbd_reproduces_the_papers_conditional_expectation(bgnbd):
    """FHL (2005), section 5: a customer with x = 2, t_x = 30.43, T = 38.86 is expected to make 1.226 purchases
    in the next 39 weeks."""
    value, lower, upper = bgnbd.predict_purchases(39, [2], [30.43], [38.86])
    assert value[0] == pytest.approx(1.226, rel=0.01)
    assert lower[0] < value[0] < upper[0]


def test_gamma_gamma_reproduces_the_published_cdnow_fit(cdnow):
    """Fader, Hardie & Lee (2005), "RFM and CLV: using iso-value curves for customer base analysis", J. Marketing
    Research 42(4), 415-430 (after Colombo & Jiang 1999): on CDNOW's 946 repeat buyers p = 6.25, q = 3.74,
    gamma = 15.44."""
    model = GammaGammaFitter().fit(cdnow["frequency"], cdnow["monetary_value"])
    assert model.p == pytest.approx(6.25, rel=0.01)
    assert model.q == pytest.approx(3.74, rel=0.01)
    assert model.gamma == pytest.approx(15.44, rel=0.01)


def test_a_customer_without_repeat_purchases_is_alive_for_sure():
    """P(alive | x = 0) = 1: nobody can drop out before a repeat purchase."""
    assert probability_alive(np.array([0.5, 2.0, 0.8, 2.5]), np.array([0.0]), np.array([0.0]), np.array([10.0])) == pytest.approx([1.0])


def test_probability_alive_by_hand():
    """r = 1, alpha = 1, a = 1, b = 2, x = 1, t_x = 1, T = 3: 1 / (1 + 1/2 x (4/2)^2) = 1/3."""
    assert probability_alive(np.array([1.0, 1.0, 1.0, 2.0]), np.array([1.0]), np.array([1.0]), np.array([3.0])) == pytest.approx([1 / 3])


def test_likelihood_by_hand():
    """r = 1, alpha = 1, a = 1, b = 2, x = 0, T = 1: L = Gamma(1) 1 / Gamma(1) x B(1, 2)/B(1, 2) x 2^-1 = 1/2."""
    ll = log_likelihood(np.array([1.0, 1.0, 1.0, 2.0]), np.array([0.0]), np.array([0.0]), np.array([1.0]))
    assert ll == pytest.approx([math.log(0.5)])


def test_expected_purchases_of_a_new_customer_by_hand():
    """x = 0, T -> 0 is a new customer: with a = 2, b = 1, r = 1, alpha = 1 and t = 1,
    E = (a + b - 1)/(a - 1) [1 - (1/2)^1 2F1(1, 1; 2; 1/2)] = 2 [1 - ln 2] (2F1(1,1;2;z) = -ln(1 - z)/z)."""
    value = expected_purchases(np.array([1.0, 1.0, 2.0, 1.0]), 1.0, np.array([0.0]), np.array([0.0]), np.array([1e-12]))
    assert value == pytest.approx([2 * (1 - math.log(2))], rel=1e-6)


def test_gamma_gamma_expected_spend_by_hand():
    """E[Z | m, x] = p (gamma + m x) / (p x + q - 1): p = 2, q = 3, gamma = 10, m = 20, x = 4 gives 2 x 90 / 10 = 18."""
    assert expected_spend(np.array([2.0, 3.0, 10.0]), np.array([4.0]), np.array([20.0])) == pytest.approx([18.0])


def test_gamma_gamma_likelihood_by_hand():
    """p = 1, q = 1, gamma = 1, x = 1, m = 1: log Gamma(2) - 0 - 0 + 0 + 0 + 0 - 2 log 2 = -2 ln 2."""
    ll = spend_log_likelihood(np.array([1.0, 1.0, 1.0]), np.array([1.0]), np.array([1.0]))
    assert ll == pytest.approx([-2 * math.log(2)])


def test_bgnbd_refuses_a_history_without_repeat_purchases():
    with pytest.raises(NabdError, match="no customer has bought more than once"):
        BetaGeometricNBDFitter().fit([0, 0], [0, 0], [5, 6])


def test_bgnbd_refuses_recency_after_the_end_of_observation():
    with pytest.raises(NabdError, match="recency <= T"):
        BetaGeometricNBDFitter().fit([1, 0], [7, 0], [5, 6])
