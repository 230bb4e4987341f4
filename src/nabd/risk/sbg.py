"""Shifted-beta-geometric (sBG) model of contractual retention (Fader & Hardie 2007, "How to project customer retention").

Each customer renews at the end of every period with a fixed probability 1 - theta; theta varies
across customers as Beta(alpha, beta). T = the period in which a customer leaves (T = 1, 2, ...):

    P(T = t) = B(alpha + 1, beta + t - 1) / B(alpha, beta)
    S(t)     = P(T > t) = B(alpha, beta + t) / B(alpha, beta)            (alive after t renewals)
    r(t)     = S(t) / S(t - 1) = (beta + t - 1) / (alpha + beta + t - 1)  (retention rate of period t)

A customer who has made n renewals has theta ~ Beta(alpha, beta + n), so (Fader & Hardie 2010,
"Customer-base valuation in a contractual setting", eq. 6, with their n - 1 renewals = our n):

    DERL(d | n) = (beta + n) / (alpha + beta + n) x 2F1(1, beta + n + 1; alpha + beta + n + 1; 1 / (1 + d))

the discounted expected residual lifetime in periods, valued just before the next renewal decision
(the payment at that renewal undiscounted, later ones discounted by (1 + d) per period), and

    E[remaining periods | n] = sum_k S(n + k) / S(n) = (beta + n) / (alpha - 1)   (unbounded when alpha <= 1).

Example::

    >>> model = ShiftedBetaGeometricFitter().fit_survivors([1000, 631, 468, 382, 326, 289, 262, 241])
    >>> round(model.alpha, 3), round(model.beta, 3)
    (0.704, 1.182)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nabd.errors import NabdError
from nabd.risk.estimation import Fitter, delta_interval, maximise, scipy_module


def _log_beta(a: np.ndarray | float, b: np.ndarray | float) -> np.ndarray:
    return scipy_module("special").betaln(a, b)


def churn_probability(alpha: float, beta: float, periods: np.ndarray) -> np.ndarray:
    """P(T = t) = B(alpha + 1, beta + t - 1) / B(alpha, beta), t >= 1."""
    t = np.asarray(periods, float)
    return np.exp(_log_beta(alpha + 1, beta + t - 1) - _log_beta(alpha, beta))


def survival(alpha: float, beta: float, periods: np.ndarray) -> np.ndarray:
    """S(t) = B(alpha, beta + t) / B(alpha, beta), t >= 0."""
    t = np.asarray(periods, float)
    return np.exp(_log_beta(alpha, beta + t) - _log_beta(alpha, beta))


def retention_rate(alpha: float, beta: float, periods: np.ndarray) -> np.ndarray:
    """r(t) = (beta + t - 1) / (alpha + beta + t - 1), t >= 1."""
    t = np.asarray(periods, float)
    return (beta + t - 1) / (alpha + beta + t - 1)


def discounted_residual_lifetime(alpha: float, beta: float, renewals: np.ndarray, discount: float) -> np.ndarray:
    """DERL(d | n) = (beta + n) / (alpha + beta + n) x 2F1(1, beta + n + 1; alpha + beta + n + 1; 1 / (1 + d))."""
    if discount <= 0:
        raise NabdError("the discount rate per period must be above 0 (e.g. 0.10 a year)")
    n = np.asarray(renewals, float)
    hyp2f1 = scipy_module("special").hyp2f1
    return (beta + n) / (alpha + beta + n) * hyp2f1(1.0, beta + n + 1, alpha + beta + n + 1, 1.0 / (1.0 + discount))


def expected_remaining_periods(alpha: float, beta: float, renewals: np.ndarray) -> np.ndarray:
    """E[periods still to pay after n renewals] = (beta + n) / (alpha - 1); infinite when alpha <= 1."""
    n = np.asarray(renewals, float)
    if alpha <= 1:
        return np.full_like(n, np.inf)
    return (beta + n) / (alpha - 1)


class ShiftedBetaGeometricFitter(Fitter):
    """Fit the sBG model by maximum likelihood; then retention, survival and residual value with 95% intervals.

    Data: per customer (or per count of customers, via ``weights``) the number of periods observed and
    whether they churned: a churned customer with ``periods`` = t left in period t (log P(T = t)); an
    active one has made t renewals (log S(t)). Intervals: delta method on the log-parameters
    (:mod:`nabd.risk.estimation`).
    """

    alpha: float
    beta: float

    model = "retention model"

    def fit(
        self, periods: Sequence[int], churned: Sequence[bool], weights: Sequence[float] | None = None
    ) -> ShiftedBetaGeometricFitter:
        """LL = sum_churned w log P(T = t) + sum_active w log S(t)."""
        t = np.asarray(periods, float)
        lost = np.asarray(churned, bool)
        w = np.ones_like(t) if weights is None else np.asarray(weights, float)
        if t.size == 0 or w.sum() == 0:
            raise NabdError("no customers to fit the retention model on")
        if np.any(t[lost] < 1) or np.any(t < 0):
            raise NabdError("a churned customer must have paid at least 1 period, an active one at least 0")
        if not lost.any() or (w[lost].sum() == 0):
            raise NabdError("no customer has churned yet: the retention model needs at least one churn to fit")

        def log_likelihood(params: np.ndarray) -> float:
            alpha, beta = params
            churn_terms = _log_beta(alpha + 1, beta + t[lost] - 1) - _log_beta(alpha, beta)
            stay_terms = _log_beta(alpha, beta + t[~lost]) - _log_beta(alpha, beta)
            return float(np.sum(w[lost] * churn_terms) + np.sum(w[~lost] * stay_terms))

        self.estimate = maximise(log_likelihood, ("alpha", "beta"), (1.0, 1.0))
        self.alpha, self.beta = (float(v) for v in self.estimate.values)
        return self

    def fit_survivors(self, survivors: Sequence[int]) -> ShiftedBetaGeometricFitter:
        """Fit one cohort's survivor counts n_0, n_1, ..., n_k (alive after 0..k renewals).

        LL = sum_{t=1..k} (n_{t-1} - n_t) log P(T = t) + n_k log S(k)  (Fader & Hardie 2007, eq. 5).
        """
        counts = np.asarray(survivors, float)
        if counts.size < 2:
            raise NabdError("survivor counts need at least two periods (0 and 1)")
        if np.any(np.diff(counts) > 0):
            raise NabdError("survivor counts cannot grow from one period to the next")
        k = counts.size - 1
        periods = list(range(1, k + 1)) + [k]
        churned = [True] * k + [False]
        weights = list(counts[:-1] - counts[1:]) + [counts[-1]]
        return self.fit(periods, churned, weights)

    def survival_function(self, periods: Sequence[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(S(t), lower, upper) for each t."""
        t = np.asarray(periods, float)
        return delta_interval(lambda p: survival(p[0], p[1], t), self._fitted())

    def retention_curve(self, periods: Sequence[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(r(t), lower, upper) for each t >= 1."""
        t = np.asarray(periods, float)
        return delta_interval(lambda p: retention_rate(p[0], p[1], t), self._fitted())

    def predict_residual_value(
        self, renewals: Sequence[int], value_per_period: Sequence[float], discount: float
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(value x DERL(d | n), lower, upper) per customer with n renewals paying ``value_per_period``."""
        n = np.asarray(renewals, float)
        value = np.asarray(value_per_period, float)
        derl, lower, upper = delta_interval(
            lambda p: discounted_residual_lifetime(p[0], p[1], n, discount), self._fitted()
        )
        return value * derl, value * lower, value * upper

    def predict_remaining_periods(self, renewals: Sequence[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(E[remaining periods | n], lower, upper); infinite when alpha <= 1 (no finite mean)."""
        n = np.asarray(renewals, float)
        if self._fitted().values[0] <= 1:
            unbounded = np.full_like(n, np.inf)
            return unbounded, unbounded, unbounded
        return delta_interval(lambda p: expected_remaining_periods(p[0], p[1], n), self._fitted())
