"""Fit the churn model out of time and measure it: examples (nabd.risk.churn_examples) on earlier as-of dates
fit the trees and the logistic baseline; the later dates (the validation window) choose the calibration and
give the figures: AUC, PR-AUC, top-decile lift, Brier score, a calibration table, and the active scorecard's
AUC on the same (account, as-of) pairs.

Refusal: fewer than MIN_CHURNED_ACCOUNTS distinct accounts churning in the fit window (or
MIN_VALIDATION_CHURNED in the validation window) is too little to learn from; the scorecard stays the signal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from nabd.errors import NabdError
from nabd.health.backtest import auc, outcome_frame
from nabd.health.scorecard import MeasureSpec
from nabd.health.versions import active_scorecard
from nabd.risk.churn_examples import (
    DEFAULT_EVERY_DAYS,
    DEFAULT_HORIZON_DAYS,
    Examples,
    example_frame,
    feature_specs,
    labelled_dates,
    split_out_of_time,
)
from nabd.risk.churn_model import (
    SEED,
    Calibration,
    GradientBoostedChurn,
    LogisticChurn,
    brier,
    calibration_table,
    choose_calibration,
    default_engine,
    pr_auc,
    top_decile_lift,
)
from nabd.store import Store
from nabd.store.clock import utc_now

MIN_CHURNED_ACCOUNTS = 20  # distinct accounts that churned within the horizon of a fit date
MIN_VALIDATION_CHURNED = 5  # ... of a validation date
# Importances = mean |contribution| over the validation rows, over a seeded sample of this many when there are
# more: TreeSHAP costs 1-4 ms a row, two thirds of a 10,000-account fit (benchmarks/RESULTS.md); on a 3,000-account
# fit a 10,000-row sample moved no top-10 importance by more than 1.4% (rank correlation 0.9996).
IMPORTANCE_ROWS = 20_000


@dataclass
class ChurnModel:
    """A fitted churn model: the measures it reads, the fitted model, its baseline and calibration, its figures."""

    engine: str  # lightgbm | hgb | logistic
    horizon_days: int
    every_days: int
    specs: list[dict]  # the candidate measures (MeasureSpec JSON) its features are, in order
    model: GradientBoostedChurn | LogisticChurn
    baseline: LogisticChurn
    calibration: Calibration
    fit_dates: list[date]
    validate_dates: list[date]
    fitted_at: object = None
    metrics: dict = field(default_factory=dict)
    importances: dict[str, float] = field(default_factory=dict)  # mean |contribution| on the validation window

    @property
    def features(self) -> list[str]:
        return [s["id"] for s in self.specs]

    def measure_specs(self) -> list[MeasureSpec]:
        return [MeasureSpec.model_validate(s) for s in self.specs]

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """P(churn within the horizon) = calibration(log-odds of the model)."""
        return self.calibration.probability(self.model.predict_log_odds(X))

    def contributions(self, X: np.ndarray) -> np.ndarray:
        """Per row and feature, log-odds added: the model's own (TreeSHAP, or c_j z_j), else the baseline's."""
        own = self.model.contributions(X)
        return own if own is not None else self.baseline.contributions(X)


def importance_rows(rows: int, most: int = IMPORTANCE_ROWS) -> np.ndarray:
    """Which validation rows the importances average over: all of them up to ``most``, else ``most`` drawn at
    random without replacement (seeded, so a refit on the same data reports the same figures)."""
    if rows <= most:
        return np.arange(rows)
    return np.sort(np.random.default_rng(SEED).choice(rows, size=most, replace=False))


def _fitter(engine: str) -> GradientBoostedChurn | LogisticChurn:
    if engine == "logistic":
        return LogisticChurn()
    if engine not in ("lightgbm", "hgb"):
        raise NabdError(f"unknown model {engine!r}: use lightgbm, hgb or logistic")
    return GradientBoostedChurn(engine)


def check_enough_churn(examples: Examples, fit: list[date], validate: list[date], horizon_days: int) -> None:
    """One clear line when the history has too few churned accounts to learn from or to validate on."""
    frame = examples.frame
    churners = frame[frame["churned"] == 1]
    fitted = churners[churners["as_of"].isin(fit)]["account_id"].nunique()
    judged = churners[churners["as_of"].isin(validate)]["account_id"].nunique()
    if fitted < MIN_CHURNED_ACCOUNTS or judged < MIN_VALIDATION_CHURNED:
        what = "no account churned" if not len(churners) else (
            f"{fitted} accounts churned within {horizon_days} days of the fit dates ({fit[0]} to {fit[-1]}) "
            f"and {judged} of the validation dates ({validate[0]} to {validate[-1]})")
        raise NabdError(
            f"cannot fit a churn model: {what}; it needs at least {MIN_CHURNED_ACCOUNTS} churned accounts to fit "
            f"on and {MIN_VALIDATION_CHURNED} to validate on: until then the health scorecard (nabd score) is the risk signal"
        )


def figures(p: np.ndarray, y: np.ndarray) -> dict:
    """AUC, PR-AUC and top-decile lift of a risk ordering ``p`` against outcomes ``y``."""
    return {"auc": auc(p, y), "pr_auc": pr_auc(p, y), "top_decile_lift": top_decile_lift(p, y)}


def scorecard_comparison(store: Store, validation: pd.DataFrame, p: np.ndarray, dates: list[date], horizon_days: int) -> dict:
    """The active scorecard's AUC (lower score = riskier) on the validation dates, and the model's AUC on the
    same (account, as-of) pairs (those the scorecard scored)."""
    card = active_scorecard(store)
    scores = outcome_frame(store, card, dates, horizon_days)
    scores = scores[scores["weighted_score"].notna()][["account_id", "as_of", "weighted_score"]]
    scores["account_id"] = scores["account_id"].astype(str)
    scores["as_of"] = pd.to_datetime(scores["as_of"]).dt.date
    ours = validation[["account_id", "as_of", "churned"]].assign(p=p)
    both = ours.merge(scores, on=["account_id", "as_of"], how="inner")
    y = both["churned"].to_numpy()
    return {"scorecard": card.name, "version": card.version, "pairs": len(both),
            "auc": auc(-both["weighted_score"].to_numpy(), y), "model_auc_same_pairs": auc(both["p"].to_numpy(), y)}


def fit_churn_model(
    store: Store, horizon_days: int = DEFAULT_HORIZON_DAYS, every_days: int = DEFAULT_EVERY_DAYS,
    engine: str | None = None, compare: bool = True,
) -> ChurnModel:
    """Fit on the earlier as-of dates, calibrate and measure on the later ones (out of time)."""
    engine = engine or default_engine()
    fitter = _fitter(engine)
    fit_dates, validate_dates = split_out_of_time(labelled_dates(store, horizon_days, every_days), horizon_days)
    specs = feature_specs(store, validate_dates[0], horizon_days)
    examples = example_frame(store, specs, fit_dates + validate_dates, horizon_days)
    check_enough_churn(examples, fit_dates, validate_dates, horizon_days)
    frame = examples.frame
    in_fit = frame["as_of"].isin(fit_dates).to_numpy()
    X = frame[examples.features].to_numpy(dtype=np.float32)
    y = frame["churned"].to_numpy().astype(int)
    known = ~np.isnan(X[in_fit]).all(axis=0)  # a measure with no value on any fit date cannot be learnt from
    specs, X = [s for s, k in zip(specs, known) if k], X[:, known]
    features = [s.id for s in specs]
    model = fitter.fit(X[in_fit], y[in_fit])
    baseline = model if isinstance(model, LogisticChurn) else LogisticChurn().fit(X[in_fit], y[in_fit])
    validation = frame[~in_fit].reset_index(drop=True)
    Xv, yv = X[~in_fit], y[~in_fit]
    log_odds = model.predict_log_odds(Xv)
    calibration, crossed, briers = choose_calibration(log_odds, yv, validation["account_id"].to_numpy())
    churn_model = ChurnModel(engine, horizon_days, every_days, [s.model_dump(mode="json") for s in specs], model,
                             baseline, calibration, fit_dates, validate_dates, utc_now())
    averaged = importance_rows(len(Xv))
    contributions = churn_model.contributions(Xv[averaged])
    importance = np.abs(contributions).mean(axis=0)
    churn_model.importances = dict(sorted(
        ((f, float(v)) for f, v in zip(features, importance)), key=lambda kv: -kv[1]))
    churn_model.metrics = {
        "engine": engine,
        "fit_pairs": int(in_fit.sum()), "validate_pairs": int(len(yv)), "importance_pairs": int(len(averaged)),
        "fit_churned_accounts": int(frame[in_fit & (y == 1)]["account_id"].nunique()),
        "validate_churn_rate": float(yv.mean()) if len(yv) else None,
        **figures(log_odds, yv),
        "brier": brier(crossed, yv), "calibration": calibration.method, "brier_by_method": briers,
        "calibration_table": calibration_table(crossed, yv),
        "baseline": figures(baseline.predict_log_odds(Xv), yv),
    }
    if compare:
        churn_model.metrics["scorecard"] = scorecard_comparison(store, validation, log_odds, validate_dates, horizon_days)
    return churn_model
