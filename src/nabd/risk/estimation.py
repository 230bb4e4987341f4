"""Maximum likelihood for the lifetime value models: fit positive parameters, their covariance, delta-method intervals.

Every parameter is positive, so the optimiser works on log-parameters; the covariance of the
log-parameters is the inverse of the observed information (the numerical Hessian of the negative
log-likelihood at the optimum). A quantity g(params) gets var(log g) = grad(log g)' Cov grad(log g)
and the 95% interval exp(log g +- 1.96 se): the delta method on the log scale, so bounds stay positive.
The intervals carry the parameters' uncertainty only, not the randomness of one customer's future.
scipy is an optional dependency (``nabd[models]``), imported here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import ModuleType

import numpy as np

from nabd.errors import NabdError

Z_95 = 1.959963984540054  # the standard normal's 97.5% quantile


def scipy_module(name: str) -> ModuleType:
    """``scipy.<name>``, or one line naming the extra that installs it."""
    import importlib

    try:
        return importlib.import_module(f"scipy.{name}")
    except ImportError:
        raise NabdError(
            "the lifetime value models need scipy: pip install 'nabd[models]'"
        ) from None


@dataclass(frozen=True)
class Estimate:
    """Fitted positive parameters with the covariance of their logs (None when the information is singular)."""

    names: tuple[str, ...]
    values: np.ndarray
    log_covariance: np.ndarray | None
    log_likelihood: float

    def standard_errors(self) -> dict[str, float | None]:
        """se(theta) = theta x se(log theta) (delta method)."""
        if self.log_covariance is None:
            return {name: None for name in self.names}
        se_log = np.sqrt(np.clip(np.diag(self.log_covariance), 0.0, None))
        return {name: float(v * s) for name, v, s in zip(self.names, self.values, se_log)}

    def intervals(self) -> dict[str, tuple[float | None, float | None]]:
        """95% interval of each parameter: exp(log theta +- 1.96 se(log theta))."""
        if self.log_covariance is None:
            return {name: (None, None) for name in self.names}
        se_log = np.sqrt(np.clip(np.diag(self.log_covariance), 0.0, None))
        return {
            name: (float(v * np.exp(-Z_95 * s)), float(v * np.exp(Z_95 * s)))
            for name, v, s in zip(self.names, self.values, se_log)
        }

    def summary(self) -> list[dict[str, object]]:
        """One row per parameter: value, standard error, 95% interval."""
        errors, intervals = self.standard_errors(), self.intervals()
        return [
            {"parameter": name, "value": float(value), "se": errors[name],
             "lower_95": intervals[name][0], "upper_95": intervals[name][1]}
            for name, value in zip(self.names, self.values)
        ]


class Fitter:
    """What every fitter shares: no estimate until ``fit``, then its parameters' table (``summary``)."""

    model = "model"  # what the fitter is called in the error of a call before fit

    def __init__(self) -> None:
        self.estimate: Estimate | None = None

    def _fitted(self) -> Estimate:
        if self.estimate is None:
            raise NabdError(f"the {self.model} is not fitted yet: call fit first")
        return self.estimate

    @property
    def summary(self) -> list[dict[str, object]]:
        """One row per parameter: value, standard error, 95% interval."""
        return self._fitted().summary()


POLISH_ITERATIONS = 500  # Nelder-Mead's steps per parameter after L-BFGS-B (scipy's default is 200)


def maximise(
    log_likelihood: Callable[[np.ndarray], float], names: Sequence[str], start: Sequence[float]
) -> Estimate:
    """The parameters (all > 0) maximising ``log_likelihood(params)``, found on their logs by L-BFGS-B
    (Nelder-Mead from there when L-BFGS-B does not converge, within the same bounds and at most
    POLISH_ITERATIONS per parameter: where the likelihood keeps rising along a ridge to infinity, as for a
    retention model of customers who all churn alike, it gains ~1e-5 an order of magnitude further out)."""
    optimize = scipy_module("optimize")

    def negative(log_params: np.ndarray) -> float:
        value = log_likelihood(np.exp(log_params))
        return -value if np.isfinite(value) else 1e300

    bounds = [(-15.0, 15.0)] * len(names)
    best = optimize.minimize(
        negative, np.log(np.asarray(start, float)), method="L-BFGS-B", bounds=bounds,
        options={"ftol": 1e-15, "gtol": 1e-9, "maxiter": 5000},
    )
    if not best.success:
        polished = optimize.minimize(
            negative, best.x, method="Nelder-Mead", bounds=bounds,
            options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": POLISH_ITERATIONS * len(names)},
        )
        best = polished if polished.fun <= best.fun else best
    return Estimate(
        names=tuple(names), values=np.exp(best.x), log_covariance=_inverse_information(negative, best.x),
        log_likelihood=-float(best.fun),
    )


def _inverse_information(negative: Callable[[np.ndarray], float], at: np.ndarray) -> np.ndarray | None:
    """Inverse of the central-difference Hessian of ``negative`` at ``at``; None when not positive definite."""
    size = len(at)
    step = 1e-4
    hessian = np.empty((size, size))
    for i in range(size):
        for j in range(i, size):
            shifts = []
            for si, sj in ((1, 1), (1, -1), (-1, 1), (-1, -1)):
                point = at.copy()
                point[i] += si * step
                point[j] += sj * step
                shifts.append(negative(point))
            hessian[i, j] = hessian[j, i] = (shifts[0] - shifts[1] - shifts[2] + shifts[3]) / (4 * step * step)
    try:
        np.linalg.cholesky(hessian)
    except np.linalg.LinAlgError:
        return None
    return np.linalg.inv(hessian)


def delta_interval(
    quantity: Callable[[np.ndarray], np.ndarray], estimate: Estimate
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(value, lower, upper) of a positive vector ``quantity(params)``: 95% delta-method interval on the log scale.

    grad(log g) by central differences in the log-parameters; var(log g) = grad' Cov(log params) grad.
    Without a covariance the bounds are NaN.
    """
    values = np.asarray(quantity(estimate.values), float)
    if estimate.log_covariance is None:
        missing = np.full_like(values, np.nan)
        return values, missing, missing
    step = 1e-5
    logs = np.log(estimate.values)
    gradient = []
    for i in range(len(logs)):
        up, down = logs.copy(), logs.copy()
        up[i] += step
        down[i] -= step
        with np.errstate(divide="ignore", invalid="ignore"):
            gradient.append(
                (np.log(np.asarray(quantity(np.exp(up)), float)) - np.log(np.asarray(quantity(np.exp(down)), float)))
                / (2 * step)
            )
    grad = np.stack(gradient, axis=-1)
    variance = np.einsum("...i,ij,...j->...", grad, estimate.log_covariance, grad)
    se = np.sqrt(np.clip(variance, 0.0, None))
    with np.errstate(invalid="ignore"):
        return values, values * np.exp(-Z_95 * se), values * np.exp(Z_95 * se)
