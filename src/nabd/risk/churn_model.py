"""Churn models in the lifelines style: a fitter with ``fit(X, y)`` returning itself, then ``predict_log_odds``,
``predict_proba`` and ``contributions`` (what each feature adds to an account's log-odds), formulas here.

- :class:`GradientBoostedChurn`: LightGBM (``engine="lightgbm"``, the default: SHAP contributions by
  ``pred_contrib=True``) or scikit-learn's HistGradientBoosting (``engine="hgb"``: no contributions of its
  own, the reasons then come from the logistic baseline). Fixed settings (no early stopping on the
  validation window, so the out-of-time figures stay out of sample).
- :class:`LogisticChurn`: the transparent baseline, L1-penalised logistic regression on standardised
  features: log-odds = b0 + sum_j c_j z_j, z_j = (t(x_j) - mean_j) / sd_j with t(x) = sign(x) log(1 + |x|)
  (tames counts' long tails) and a missing value imputed by the fit's median; contribution_j = c_j z_j.
- :class:`Calibration`: isotonic or Platt (p = 1 / (1 + exp(-(a s + b))) on the log-odds s), chosen by the
  Brier score of 2-fold cross-fitting by account on the validation window, then fitted on all of it.

scikit-learn and lightgbm are in the ``models`` extra (``pip install 'nabd[models]'``).
"""

from __future__ import annotations

import importlib
import math
import warnings
from dataclasses import dataclass

import numpy as np

from nabd.errors import NabdError

ENGINES = ("lightgbm", "hgb", "logistic")
LOGISTIC_ROWS = 400_000  # the baseline fits on at most this many rows (an even sample), for speed at scale
SEED = 22
# The trees train on one thread: each boosting round opens many OpenMP parallel regions, and with two threads
# on two cores shared with other work every region waits for the descheduled thread; on 12,074 rows at load ~6
# LightGBM took 5.6-29.7 s on two threads and 0.6-0.7 s on one, HistGradientBoosting 28.6-34.4 s and 1.7-1.9 s
# (benchmarks/RESULTS.md, issue 22). The trees are the same (LightGBM's deterministic=True; predictions compared
# bit for bit). Prediction and TreeSHAP are one parallel loop over rows each and keep both cores.
FIT_THREADS = 1
PREDICT_THREADS = 2
# Trees at most 6 levels deep (31 leaves each still fit): TreeSHAP, which gives every account's reasons, costs
# ~ trees x leaves x depth^2 per row; unlimited, LightGBM grew trees 11-12 levels deep on average (17 at most),
# and the reasons of 75,741 accounts took 61.0 s; at depth 6 they take 33.8 s. Validation AUC on the same
# examples, unlimited -> 6: 0.769 -> 0.770 (five Ledgers, 100k), 0.894 -> 0.896 (demo, 1,000), 0.701 -> 0.694
# (Ledger, 1,000) (benchmarks/RESULTS.md, issue 22).
MAX_DEPTH = 6
Z_LIMIT = 5.0  # standardised values are clipped to +-5: one extreme value cannot swamp an account's log-odds


def require(module: str):
    """Import a module of the ``models`` extra, or one clear line saying how to install it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise NabdError(
            f"the churn model needs {module}, in the models extra: pip install 'nabd[models]'"
        ) from None


def default_engine() -> str:
    """LightGBM when installed (on a par with HistGradientBoosting here, and it gives TreeSHAP reasons:
    benchmarks/RESULTS.md), else HistGradientBoosting."""
    try:
        import lightgbm  # noqa: F401
    except ImportError:
        return "hgb"
    return "lightgbm"


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-9, 1 - 1e-9)
    return np.log(p / (1 - p))


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-np.clip(z, -40, 40)))


class LogisticChurn:
    """L1 logistic regression on t-transformed, median-imputed, standardised features (see the module; z is
    clipped to +-Z_LIMIT)."""

    def __init__(self, strength: float = 0.05):
        self.strength = strength  # C = 1 / strength in scikit-learn's terms

    def _standardised(self, X: np.ndarray) -> np.ndarray:
        t = np.sign(X) * np.log1p(np.abs(X))
        t = np.where(np.isnan(t), self.median_, t)
        return np.clip((t - self.mean_) / self.scale_, -Z_LIMIT, Z_LIMIT)

    def fit(self, X: np.ndarray, y: np.ndarray) -> LogisticChurn:
        linear_model = require("sklearn.linear_model")
        if len(X) > LOGISTIC_ROWS:
            rows = np.random.default_rng(SEED).choice(len(X), LOGISTIC_ROWS, replace=False)
            X, y = X[rows], y[rows]
        t = np.sign(X) * np.log1p(np.abs(X.astype(np.float64)))
        median = np.nanmedian(np.where(np.isnan(t).all(axis=0), 0.0, t), axis=0)
        self.median_ = np.where(np.isnan(median), 0.0, median)
        t = np.where(np.isnan(t), self.median_, t)
        self.mean_ = t.mean(axis=0)
        scale = t.std(axis=0)
        self.scale_ = np.where(scale > 0, scale, 1.0)
        model = linear_model.LogisticRegression(penalty="l1", C=1 / self.strength, solver="liblinear",
                                                max_iter=200, random_state=SEED)
        with warnings.catch_warnings():  # scikit-learn 1.8 deprecates penalty= in favour of l1_ratio=
            warnings.simplefilter("ignore")
            model.fit(np.clip((t - self.mean_) / self.scale_, -Z_LIMIT, Z_LIMIT), y)
        self.coef_ = model.coef_[0].astype(np.float64)
        self.intercept_ = float(model.intercept_[0])
        return self

    def predict_log_odds(self, X: np.ndarray) -> np.ndarray:
        """b0 + sum_j c_j z_j."""
        return self.intercept_ + self._standardised(X.astype(np.float64)) @ self.coef_

    def contributions(self, X: np.ndarray) -> np.ndarray:
        """c_j z_j per row and feature: how far each feature moves the log-odds from an average account."""
        return self._standardised(X.astype(np.float64)) * self.coef_


class GradientBoostedChurn:
    """Gradient-boosted trees on the raw features (NaN = no data, handled by the trees)."""

    def __init__(self, engine: str = "lightgbm", rounds: int = 200, learning_rate: float = 0.05, leaves: int = 31,
                 min_leaf: int = 50, depth: int = MAX_DEPTH):
        self.engine, self.rounds, self.learning_rate, self.leaves, self.min_leaf, self.depth = (
            engine, rounds, learning_rate, leaves, min_leaf, depth)

    def fit(self, X: np.ndarray, y: np.ndarray) -> GradientBoostedChurn:
        if self.engine == "lightgbm":
            lightgbm = require("lightgbm")
            params = {"objective": "binary", "learning_rate": self.learning_rate, "num_leaves": self.leaves,
                      "max_depth": self.depth, "min_data_in_leaf": self.min_leaf, "feature_fraction": 0.8,
                      "bagging_fraction": 0.7, "bagging_freq": 1, "lambda_l2": 1.0, "max_bin": 127,
                      "num_threads": FIT_THREADS, "seed": SEED, "deterministic": True, "verbose": -1}
            self.model_ = lightgbm.train(params, lightgbm.Dataset(X, label=y), num_boost_round=self.rounds)
        else:
            ensemble, threadpoolctl = require("sklearn.ensemble"), require("threadpoolctl")
            with threadpoolctl.threadpool_limits(limits=FIT_THREADS, user_api="openmp"):
                self.model_ = ensemble.HistGradientBoostingClassifier(
                    max_iter=self.rounds, learning_rate=self.learning_rate, max_leaf_nodes=self.leaves,
                    max_depth=self.depth, min_samples_leaf=self.min_leaf, l2_regularization=1.0, early_stopping=False,
                    random_state=SEED,
                ).fit(X, y)
        return self

    def predict_log_odds(self, X: np.ndarray) -> np.ndarray:
        """The ensemble's raw score: the sum of the trees' leaf values (log-odds)."""
        if self.engine == "lightgbm":
            return self.model_.predict(X, raw_score=True, num_threads=PREDICT_THREADS)
        return self.model_.decision_function(X)

    def contributions(self, X: np.ndarray) -> np.ndarray | None:
        """TreeSHAP values per row and feature (they add up to the log-odds less the average); None for hgb."""
        if self.engine != "lightgbm":
            return None
        return self.model_.predict(X, pred_contrib=True, num_threads=PREDICT_THREADS)[:, :-1]


@dataclass
class Calibration:
    """Maps log-odds to a probability: ``method`` isotonic or platt (chosen by :func:`choose_calibration`)."""

    method: str
    isotonic: object | None = None
    a: float = 1.0
    b: float = 0.0

    def probability(self, log_odds: np.ndarray) -> np.ndarray:
        if self.method == "isotonic":
            return np.clip(self.isotonic.predict(log_odds), 0.0, 1.0)
        return _sigmoid(self.a * log_odds + self.b)


def fit_calibration(method: str, log_odds: np.ndarray, y: np.ndarray) -> Calibration:
    """Isotonic regression of y on the log-odds, or Platt scaling (a logistic regression of y on them)."""
    if method == "isotonic":
        isotonic = require("sklearn.isotonic")
        fitted = isotonic.IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(log_odds, y)
        return Calibration("isotonic", isotonic=fitted)
    linear_model = require("sklearn.linear_model")
    platt = linear_model.LogisticRegression(C=1e6, max_iter=500).fit(log_odds.reshape(-1, 1), y)
    return Calibration("platt", a=float(platt.coef_[0, 0]), b=float(platt.intercept_[0]))


def choose_calibration(log_odds: np.ndarray, y: np.ndarray, accounts: np.ndarray) -> tuple[Calibration, np.ndarray, dict]:
    """(calibration fitted on all rows, cross-fitted probabilities, Brier score of each method).

    Each method is fitted on the accounts of one half and scored (Brier) on the other, both ways (an
    account's rows stay in one half); the better one is refitted on every row. The cross-fitted
    probabilities of the chosen method are what the reported Brier score and calibration table read."""
    half = np.array([hash_half(a) for a in accounts])
    briers, crossed = {}, {}
    for method in ("isotonic", "platt"):
        p = np.empty(len(y))
        for side in (0, 1):
            train, test = half != side, half == side
            if y[train].min(initial=1) == y[train].max(initial=0) or not test.any():
                p[test] = y[train].mean() if train.any() else y.mean()
                continue
            p[test] = fit_calibration(method, log_odds[train], y[train]).probability(log_odds[test])
        crossed[method], briers[method] = p, brier(p, y)
    chosen = min(briers, key=briers.get)
    return fit_calibration(chosen, log_odds, y), crossed[chosen], briers


def hash_half(account: str) -> int:
    """0 or 1, fixed per account (FNV-1a of its id): the halves of cross-fitting."""
    value = 2166136261
    for byte in account.encode():
        value = ((value ^ byte) * 16777619) & 0xFFFFFFFF
    return value & 1


# ---- out-of-time figures -------------------------------------------------------------------------------


def brier(p: np.ndarray, y: np.ndarray) -> float:
    """mean (p - y)^2."""
    return float(np.mean((p - y) ** 2))


def pr_auc(risk: np.ndarray, y: np.ndarray) -> float | None:
    """Average precision: sum over churners ranked by risk of precision at that rank / churners."""
    if y.sum() == 0:
        return None
    order = np.argsort(-risk, kind="stable")
    hits = y[order]
    precision = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    return float((precision * hits).sum() / hits.sum())


def top_decile_lift(risk: np.ndarray, y: np.ndarray) -> float | None:
    """churn rate of the riskiest tenth (ceil(n / 10) rows) / overall churn rate."""
    if len(y) == 0 or y.mean() == 0:
        return None
    top = np.argsort(-risk, kind="stable")[: math.ceil(len(y) / 10)]
    return float(y[top].mean() / y.mean())


def calibration_table(p: np.ndarray, y: np.ndarray, bins: int = 10) -> list[dict]:
    """Per tenth of predicted probability (0-10%, ..., 90-100%): pairs, mean predicted, observed churn rate."""
    rows = []
    for k in range(bins):
        low, high = k / bins, (k + 1) / bins
        chosen = (p >= low) & ((p < high) if k < bins - 1 else (p <= high))
        n = int(chosen.sum())
        rows.append({"low": low, "high": high, "pairs": n,
                     "predicted": float(p[chosen].mean()) if n else None,
                     "observed": float(y[chosen].mean()) if n else None})
    return rows
