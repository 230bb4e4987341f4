"""The one way Nabd fits measure weights to later churn and ranks risk: scikit-learn's logistic regression and
ROC AUC, shared by `nabd scorecard init` (nabd.health.scorecard_init) and `nabd score suggest`
(nabd.health.suggest).

Model: P(churn) = 1 / (1 + exp(-(b0 - sum c_i x_i))), x_i a measure's score / 100, c_i >= 0 (a higher
score may not mean more risk). The fit minimises -loglik + strength x n / 2 x sum c_i^2 (scikit-learn's
L2 penalty with C = 1 / (strength x n)); a coefficient that comes out negative is held at 0 and the rest
fitted again (one at a time, most negative first), so every weight is >= 0. The strength is chosen by
cross-validation by account (an account's repeated as-of dates never straddle training and validation).
A measure can also be scored by a monotone curve of its raw value (:func:`monotone_points`): isotonic
regression of the churn rate over the value's quantile bins.
scikit-learn is in the ``models`` extra, imported here and nowhere else in the health package.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from nabd.errors import NabdError

STRENGTHS = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)  # per-row L2 strengths tried by cross-validation
FOLDS = 5
UNPENALISED_C = 1e12  # strength 0: no penalty (works on every scikit-learn >= 1.4)
BINS = 20  # quantile bins of a raw value the monotone curve is fitted over (fewer, tied values merged)


def _sklearn():
    try:
        from sklearn.linear_model import LogisticRegression
        from sklearn.metrics import roc_auc_score
        from threadpoolctl import threadpool_limits
    except ImportError:
        raise NabdError("fitting weights to churn needs scikit-learn: pip install 'nabd[models]'") from None
    return LogisticRegression, roc_auc_score, threadpool_limits


def roc_auc(risk: np.ndarray, churned: np.ndarray) -> float | None:
    """Area under the ROC curve of ``risk`` for churn (scikit-learn); None without both outcomes."""
    churned = np.asarray(churned)
    if len(churned) == 0 or churned.min() == churned.max():
        return None
    _, roc_auc_score, _ = _sklearn()
    return float(roc_auc_score(churned, risk))


def monotone_points(values: np.ndarray, churned: np.ndarray, bins: int = BINS) -> list[tuple[float, float]] | None:
    """The (value, score) points of a monotone piecewise score fitted to churn, or None when flat.

    The values are cut into ``bins`` quantile bins (tied values stay in one bin); r_b is the isotonic
    regression of the bins' churn rates on their mean values (weighted by the bin's pairs, in the direction
    with the smaller squared error); score_b = 100 (max r - r_b) / (max r - min r), so the least churn scores
    100. Between points the score is interpolated linearly (the scorecard's piecewise rule). Example: values
    1, 2, 3, 4 with churn 1, 1, 0, 0 and 4 bins give points (1, 0), (2, 0), (3, 100), (4, 100), then trimmed
    to (2, 0), (3, 100)."""
    from sklearn.isotonic import IsotonicRegression

    frame = pd.DataFrame({"value": values.astype(float), "churned": churned.astype(float)})
    frame["bin"] = pd.qcut(frame["value"], q=min(bins, len(frame)), labels=False, duplicates="drop") \
        if frame["value"].nunique() > 1 else 0
    grouped = frame.groupby("bin").agg(value=("value", "mean"), rate=("churned", "mean"), pairs=("value", "size"))
    if len(grouped) < 2:
        return None
    x, y, w = (grouped[c].to_numpy(dtype=float) for c in ("value", "rate", "pairs"))
    fits = [IsotonicRegression(increasing=up).fit_transform(x, y, sample_weight=w) for up in (True, False)]
    rates = min(fits, key=lambda r: float(np.sum(w * (r - y) ** 2)))
    low, high = float(rates.min()), float(rates.max())
    if high - low < 1e-12:
        return None
    points: list[tuple[float, float]] = []
    for value, rate in zip(x, rates):
        point = (float(f"{value:.6g}"), round(100 * (high - float(rate)) / (high - low), 1))
        if not points or point[0] > points[-1][0]:
            points.append(point)

    def differs(k: int, j: int) -> bool:
        return 0 <= j < len(points) and points[j][1] != points[k][1]

    # a point stays where the score changes on one side of it: a flat run keeps its two ends, a flat start its
    # last point and a flat end its first (the rule is flat beyond its ends); a kept point's neighbour is kept
    trimmed = [p for k, p in enumerate(points) if differs(k, k - 1) or differs(k, k + 1)]
    return trimmed or None


def piecewise_scores(values: np.ndarray, points: list[tuple[float, float]]) -> np.ndarray:
    """The piecewise rule's scores of raw ``values`` (null stays null): linear between points, flat beyond."""
    xs, scores = np.array([p[0] for p in points]), np.array([p[1] for p in points])
    return np.where(np.isnan(values), np.nan, np.interp(np.nan_to_num(values), xs, scores))


def fit_weights(features: np.ndarray, churned: np.ndarray, strength: float = 0.0) -> np.ndarray:
    """[b0, c1..ck] minimising -loglik(b0 - X c) + strength n/2 ||c||^2 subject to c >= 0 (see the module)."""
    LogisticRegression, _, threadpool_limits = _sklearn()
    n, k = features.shape
    keep = np.ones(k, dtype=bool)
    coefficients = np.zeros(k)
    rate = min(max(float(np.mean(churned)), 1e-9), 1 - 1e-9) if n else 0.5
    intercept = math.log(rate / (1 - rate))
    C = UNPENALISED_C if strength <= 0 else 1.0 / (strength * n)
    # one thread: BLAS threads spin on a busy machine (100x slower here)
    with threadpool_limits(limits=1):
        while keep.any():
            model = LogisticRegression(C=C, solver="lbfgs", max_iter=2000, tol=1e-8)
            model.fit(-features[:, keep], churned)
            fitted = model.coef_[0]
            if (fitted >= 0).all():
                coefficients[keep] = fitted
                intercept = float(model.intercept_[0])
                break
            keep[np.flatnonzero(keep)[int(np.argmin(fitted))]] = False
    return np.concatenate([[intercept], coefficients])


@dataclass(frozen=True)
class Candidate:
    strength: float | None  # None: the current weights, unfitted
    auc: float  # mean validation AUC over the folds
    spread: float  # standard error of that mean


def account_folds(accounts: np.ndarray) -> np.ndarray:
    """Fold number (0..FOLDS-1) of each row: accounts in sorted order, dealt round."""
    names = np.unique(accounts)
    fold_of = dict(zip(names, np.arange(len(names)) % FOLDS))
    return np.array([fold_of[a] for a in accounts])


def cross_validate(
    features: np.ndarray, churned: np.ndarray, accounts: np.ndarray, current: np.ndarray | None = None,
    strengths: tuple[float, ...] = STRENGTHS,
) -> list[Candidate]:
    """Mean validation AUC (and its standard error) of each strength, and of the ``current`` weights when
    given, over folds by account."""
    folds = account_folds(accounts)
    results: dict[float | None, list[float]] = {**({None: []} if current is not None else {}), **{s: [] for s in strengths}}
    for fold in range(FOLDS):
        train, valid = folds != fold, folds == fold
        if churned[valid].min(initial=1) == churned[valid].max(initial=0) or churned[train].min() == churned[train].max():
            continue  # a fold without both outcomes cannot rank
        if current is not None:
            results[None].append(roc_auc(-(features[valid] @ current), churned[valid]))
        for strength in strengths:
            c = fit_weights(features[train], churned[train], strength)[1:]
            results[strength].append(roc_auc(-(features[valid] @ c), churned[valid]))
    return [
        Candidate(strength, float(np.mean(values)), float(np.std(values, ddof=1) / math.sqrt(len(values))))
        for strength, values in results.items() if len(values) >= 2
    ]


def choose_strength(candidates: list[Candidate]) -> float | None:
    """The most shrunk candidate within one standard error of the best (the current weights count as most shrunk)."""
    best = max(candidates, key=lambda c: c.auc)
    good_enough = [c for c in candidates if c.auc >= best.auc - best.spread]
    if any(c.strength is None for c in good_enough):
        return None
    return max(c.strength for c in good_enough)
