"""Suggested weights: learn measure weights from history, validated on a later window than they are fitted on.

Model: L2-regularised logistic regression of churn within the horizon on the measure scores / 100,
P(churn) = 1 / (1 + exp(-(b0 + sum b_i x_i))), fitted by Newton's method (IRLS) minimising
-loglik + lambda/2 sum b_i^2. A health score adds weighted measure scores, so the suggested weight
of a measure is max(0, -b_i) normalised to 100 (a measure whose higher score goes with MORE churn
gets 0). Fit on the earlier as-of dates whose horizon ended before the first evaluation date;
evaluate both scorecards by backtest AUC on the later dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import yaml

from nabd.errors import NabdError
from nabd.health.backtest import Backtest, outcome_frame, run_backtest, summarise
from nabd.health.scorecard import Scorecard
from nabd.store import Store


def fit_logistic(features: np.ndarray, churned: np.ndarray, l2: float = 1.0, iterations: int = 50) -> np.ndarray:
    """Coefficients [b0, b1..bk] of L2-regularised logistic regression (intercept not penalised), by IRLS."""
    design = np.column_stack([np.ones(len(features)), features])
    penalty = np.full(design.shape[1], l2)
    penalty[0] = 0.0
    beta = np.zeros(design.shape[1])
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-design @ beta))
        gradient = design.T @ (p - churned) + penalty * beta
        hessian = (design * (p * (1 - p))[:, None]).T @ design + np.diag(penalty) + 1e-9 * np.eye(len(beta))
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return beta


@dataclass(frozen=True)
class Suggestion:
    fitted_on: list[date]
    evaluated_on: list[date]
    current_weights: dict[str, float]
    suggested_weights: dict[str, float]
    coefficients: dict[str, float]
    current: Backtest  # both evaluated on the later dates
    suggested: Backtest
    scorecard: Scorecard  # the suggested scorecard (default weights only; segment overrides dropped)


def split_dates(dates: list[date], horizon_days: int, evaluate_share: float = 0.4) -> tuple[list[date], list[date]]:
    """(fit dates, evaluation dates): the last share of dates evaluates; fit dates' horizons end before them."""
    cut = max(1, round(len(dates) * evaluate_share))
    evaluate = dates[-cut:]
    fit = [d for d in dates[:-cut] if d + timedelta(days=horizon_days) <= evaluate[0]]
    if not fit:
        raise NabdError(
            "no as-of date is early enough to fit on: its horizon must end before the first evaluation date; "
            "widen --from/--to (e.g. 12 months of weekly dates) or shorten --horizon"
        )
    return fit, evaluate


def suggest_weights(
    store: Store, scorecard: Scorecard, dates: list[date], horizon_days: int, l2: float = 1.0
) -> Suggestion:
    """Fit weights on the earlier dates, then backtest the current and suggested scorecards on the later ones."""
    fit_dates, evaluate_dates = split_dates(dates, horizon_days)
    training = outcome_frame(store, scorecard, fit_dates, horizon_days, with_measures=True)
    ids = [m.id for m in scorecard.measures]
    scores = training[[f"s__{i}" for i in ids]].astype(float)
    usable = [i for i in ids if scores[f"s__{i}"].notna().any() and scores[f"s__{i}"].nunique() > 1]
    if not usable or training["churned"].nunique() < 2:
        raise NabdError("the fit dates have no churn, or no measure that varies: widen --from/--to")
    features = scores[[f"s__{i}" for i in usable]]
    features = features.fillna(features.mean()) / 100
    beta = fit_logistic(features.to_numpy(), training["churned"].to_numpy().astype(float), l2)
    coefficients = dict(zip(usable, beta[1:].tolist()))
    protective = {i: max(0.0, -coefficients.get(i, 0.0)) for i in ids}
    total = sum(protective.values())
    if total <= 0:
        raise NabdError("no measure's score goes with less churn in the fit window: keep the current weights")
    suggested_weights = {i: 100 * w / total for i, w in protective.items()}
    suggested = suggested_scorecard(scorecard, suggested_weights)
    current_result = summarise(
        outcome_frame(store, scorecard, evaluate_dates, horizon_days), scorecard, horizon_days
    )
    return Suggestion(
        fit_dates, evaluate_dates, scorecard.weights(), suggested_weights, coefficients, current_result,
        run_backtest(store, suggested, evaluate_dates, horizon_days), suggested,
    )


def suggested_scorecard(scorecard: Scorecard, weights: dict[str, float]) -> Scorecard:
    """The scorecard with ``weights`` (rounded to 0.1), measures of weight 0 left out, segment overrides dropped."""
    content = scorecard.model_dump(mode="json")
    content["name"] = f"{scorecard.name}-suggested"
    content["measures"] = [
        {**m, "weight": round(weights[m["id"]], 1)} for m in content["measures"] if round(weights[m["id"]], 1) > 0
    ]
    content["segments"] = {}
    return Scorecard.model_validate(content)


def write_scorecard(scorecard: Scorecard, path: Path) -> None:
    """Write the scorecard as YAML to a NEW file; an existing file is never overwritten."""
    if path.exists():
        raise NabdError(f"{path} already exists: choose another file name (Nabd never overwrites a scorecard)")
    text = yaml.safe_dump(scorecard.model_dump(mode="json"), allow_unicode=True, sort_keys=False, width=100)
    path.write_text(f"# suggested by `nabd score suggest`; version {scorecard.version}\n{text}", encoding="utf-8")


def render_suggestion(suggestion: Suggestion) -> list[str]:
    """Current vs suggested weights and the backtest of both on the evaluation dates."""
    s = suggestion
    lines = [
        (
            f"fitted on {len(s.fitted_on)} as-of dates {s.fitted_on[0]}..{s.fitted_on[-1]}, "
            f"evaluated on {len(s.evaluated_on)} later dates {s.evaluated_on[0]}..{s.evaluated_on[-1]}"
        ),
        "measure                     current  suggested  coefficient",
    ]
    for measure, weight in s.current_weights.items():
        coefficient = s.coefficients.get(measure)
        shown = f"{coefficient:+.2f}" if coefficient is not None else "no variation"
        lines.append(f"{measure:<27} {weight:>7.1f}  {s.suggested_weights[measure]:>9.1f}  {shown:>11}")
    lines.append("backtest on the evaluation dates (AUC, churn red / yellow / green):")
    for label, result in (("current", s.current), ("suggested", s.suggested)):
        rates = " / ".join("-" if b.churn_rate is None else f"{b.churn_rate:.1%}" for b in result.bands if b.band != "unscored")
        shown = "-" if result.auc is None else f"{result.auc:.3f}"
        lines.append(f"  {label:<10} AUC {shown}   churn {rates}")
    return lines
