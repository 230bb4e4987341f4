"""BG/NBD model of repeat purchasing without contracts (Fader, Hardie & Lee 2005, "Counting your customers the easy way").

While alive a customer buys as a Poisson process of rate lambda ~ Gamma(r, alpha); after each purchase
they drop out with probability p ~ Beta(a, b). A customer's history is x repeat purchases, the last at
t_x, observed until T (time since their first purchase). Likelihood (FHL 2005, eq. 6):

    L = Gamma(r + x) alpha^r / Gamma(r) x [ B(a, b + x) / B(a, b) (alpha + T)^-(r + x)
                                           + [x > 0] B(a + 1, b + x - 1) / B(a, b) (alpha + t_x)^-(r + x) ]

    P(alive | x, t_x, T) = 1 / (1 + [x > 0] a / (b + x - 1) ((alpha + T) / (alpha + t_x))^(r + x))
    E[Y(t) | x, t_x, T]  = (a + b + x - 1) / (a - 1)
                           x [1 - ((alpha + T) / (alpha + T + t))^(r + x) 2F1(r + x, b + x; a + b + x - 1; t / (alpha + T + t))]
                           x P(alive | x, t_x, T)                                   (eq. 10)

Example::

    >>> model = BetaGeometricNBDFitter().fit(frequency, recency, T)   # CDNOW, weeks
    >>> [round(v, 3) for v in (model.r, model.alpha, model.a, model.b)]
    [0.243, 4.414, 0.793, 2.426]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nabd.errors import NabdError
from nabd.risk.estimation import Fitter, delta_interval, maximise, scipy_module


def _special():
    return scipy_module("special")


def log_likelihood(params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """log L of each customer (FHL 2005, eq. 6)."""
    r, alpha, a, b = params
    special = _special()
    counts, at = np.unique(x, return_inverse=True)  # few distinct frequencies: special functions once each
    base = (special.gammaln(r + counts) - special.gammaln(r))[at] + r * np.log(alpha)
    stays = (special.betaln(a, b + counts) - special.betaln(a, b))[at] - (r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        dropping = special.betaln(a + 1, np.maximum(b + counts - 1, 1e-300)) - special.betaln(a, b)
        dropped = np.where(x > 0, dropping[at] - (r + x) * np.log(alpha + t_x), -np.inf)
    return base + np.logaddexp(stays, dropped)


def probability_alive(params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """P(alive | x, t_x, T) = 1 / (1 + [x > 0] a / (b + x - 1) ((alpha + T) / (alpha + t_x))^(r + x))."""
    r, alpha, a, b = params
    with np.errstate(divide="ignore", invalid="ignore"):
        odds = np.where(x > 0, a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x), 0.0)
    return 1.0 / (1.0 + odds)


def expected_purchases(params: np.ndarray, t: float, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """E[Y(t) | x, t_x, T]: expected purchases in the next t time units (FHL 2005, eq. 10)."""
    r, alpha, a, b = params
    hyp2f1 = _special().hyp2f1
    z = t / (alpha + T + t)
    bracket = 1.0 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z)
    return (a + b + x - 1) / (a - 1) * bracket * probability_alive(params, x, t_x, T)


def expected_purchases_new(params: np.ndarray, t: np.ndarray) -> np.ndarray:
    """E[X(t)] of a new customer = (a + b - 1) / (a - 1) [1 - (alpha / (alpha + t))^r 2F1(r, b; a + b - 1; t / (alpha + t))]."""
    r, alpha, a, b = params
    t = np.asarray(t, float)
    hyp2f1 = _special().hyp2f1
    return (a + b - 1) / (a - 1) * (1.0 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, t / (alpha + t)))


def check_history(x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> None:
    """Refuse impossible histories: x >= 0, 0 <= t_x <= T, T > 0, t_x = 0 when x = 0."""
    if x.size == 0:
        raise NabdError("no customers with purchases to fit the purchase model on")
    if np.any(x < 0) or np.any(t_x < 0) or np.any(T <= 0) or np.any(t_x > T + 1e-9):
        raise NabdError("each customer needs frequency >= 0, 0 <= recency <= T and T > 0")
    if np.any((x == 0) & (t_x != 0)):
        raise NabdError("a customer with no repeat purchase must have recency 0")


class BetaGeometricNBDFitter(Fitter):
    """Fit BG/NBD by maximum likelihood on (frequency x, recency t_x, age T) per customer; predict with 95% intervals.

    Intervals: delta method on the log-parameters (:mod:`nabd.risk.estimation`); they carry the
    parameters' uncertainty, not one customer's randomness.
    """

    r: float
    alpha: float
    a: float
    b: float

    model = "purchase model"

    def fit(
        self, frequency: Sequence[float], recency: Sequence[float], T: Sequence[float],
        weights: Sequence[float] | None = None,
    ) -> BetaGeometricNBDFitter:
        """Maximise sum_i w_i log L(r, alpha, a, b | x_i, t_x_i, T_i); ``weights`` count identical histories."""
        x, t_x, age = (np.asarray(v, float) for v in (frequency, recency, T))
        check_history(x, t_x, age)
        w = np.ones_like(x) if weights is None else np.asarray(weights, float)
        if not np.any(x > 0):
            raise NabdError("no customer has bought more than once: the purchase model needs repeat purchases")
        scale = float(np.mean(age)) or 1.0
        self.estimate = maximise(
            lambda p: float(np.sum(w * log_likelihood(p, x, t_x, age))),
            ("r", "alpha", "a", "b"), (1.0, scale, 1.0, 1.0),
        )
        self.r, self.alpha, self.a, self.b = (float(v) for v in self.estimate.values)
        return self

    def predict_purchases(
        self, horizon: float, frequency: Sequence[float], recency: Sequence[float], T: Sequence[float]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(E[Y(horizon) | x, t_x, T], lower, upper) per customer."""
        x, t_x, age = (np.asarray(v, float) for v in (frequency, recency, T))
        return delta_interval(lambda p: expected_purchases(p, horizon, x, t_x, age), self._fitted())

    def predict_alive(
        self, frequency: Sequence[float], recency: Sequence[float], T: Sequence[float]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(P(alive | x, t_x, T), lower, upper) per customer; the upper bound is capped at 1."""
        x, t_x, age = (np.asarray(v, float) for v in (frequency, recency, T))
        value, lower, upper = delta_interval(lambda p: probability_alive(p, x, t_x, age), self._fitted())
        return value, lower, np.minimum(upper, 1.0)
