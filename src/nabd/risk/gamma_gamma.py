"""Gamma-Gamma model of spend per purchase (Colombo & Jiang 1999; Fader, Hardie & Lee 2005, "RFM and CLV").

A customer's purchases are worth z ~ Gamma(p, nu) each, with nu ~ Gamma(q, gamma) across customers.
Fitted on customers with x >= 1 repeat purchases and mean repeat spend m_x (FHL 2005, "RFM and CLV", eq. 4):

    log L = log Gamma(px + q) - log Gamma(px) - log Gamma(q) + q log gamma + (px - 1) log m_x
            + px log x - (px + q) log(gamma + m_x x)

    E[Z | m_x, x] = p (gamma + m_x x) / (px + q - 1)

Example::

    >>> model = GammaGammaFitter().fit(frequency, monetary_value)      # CDNOW repeat buyers
    >>> [round(v, 2) for v in (model.p, model.q, model.gamma)]
    [6.25, 3.74, 15.44]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nabd.errors import NabdError
from nabd.risk.estimation import Fitter, delta_interval, maximise, scipy_module


def log_likelihood(params: np.ndarray, x: np.ndarray, m: np.ndarray) -> np.ndarray:
    """log L of each repeat customer (eq. 4 above)."""
    p, q, gamma = params
    gammaln = scipy_module("special").gammaln
    return (
        gammaln(p * x + q) - gammaln(p * x) - gammaln(q) + q * np.log(gamma)
        + (p * x - 1) * np.log(m) + p * x * np.log(x) - (p * x + q) * np.log(gamma + m * x)
    )


def expected_spend(params: np.ndarray, x: np.ndarray, m: np.ndarray) -> np.ndarray:
    """E[Z | m_x, x] = p (gamma + m_x x) / (px + q - 1); the population mean p gamma / (q - 1) when x = 0."""
    p, q, gamma = params
    return p * (gamma + m * x) / (p * x + q - 1)


class GammaGammaFitter(Fitter):
    """Fit Gamma-Gamma by maximum likelihood on repeat customers' (frequency, mean spend); predict spend with 95% intervals."""

    p: float
    q: float
    gamma: float

    model = "spend model"

    def fit(self, frequency: Sequence[float], monetary_value: Sequence[float]) -> GammaGammaFitter:
        """Maximise sum log L(p, q, gamma | x_i, m_i) over customers with x_i > 0 and m_i > 0."""
        x, m = np.asarray(frequency, float), np.asarray(monetary_value, float)
        keep = (x > 0) & (m > 0)
        x, m = x[keep], m[keep]
        if x.size < 2:
            raise NabdError("fewer than 2 customers with repeat purchases: the spend model cannot be fitted")
        scale = float(np.mean(m))
        self.estimate = maximise(
            lambda params: float(np.sum(log_likelihood(params, x, m))), ("p", "q", "gamma"), (1.0, 2.0, scale)
        )
        self.p, self.q, self.gamma = (float(v) for v in self.estimate.values)
        return self

    def predict_spend(
        self, frequency: Sequence[float], monetary_value: Sequence[float]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(E[Z | m_x, x], lower, upper) per customer."""
        x, m = np.asarray(frequency, float), np.asarray(monetary_value, float)
        m = np.where(x > 0, m, 0.0)
        return delta_interval(lambda params: expected_spend(params, x, m), self._fitted())
