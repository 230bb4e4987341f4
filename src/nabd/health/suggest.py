"""Suggested weights: learn measure weights from history, validated on a later window than they are fitted on.

The fit is nabd.health.churn_fit's (scikit-learn, the same as `nabd scorecard init`): logistic regression
of churn within the horizon on the measure scores / 100, x_i, with the scorecard's missing-data policy
(reweight: a missing score counts as the account's weighted score; neutral: as neutral_score), c_i >= 0,
L2 strength chosen by 5-fold cross-validation by account inside the fit window, where the CURRENT weights
are a candidate too and are kept unless a strength beats them by more than one standard error (so with
little data the suggestion stays the current scorecard). Suggested weight = 100 c_i / sum c. Fit on the
earlier as-of dates whose horizon ended before the first evaluation date; evaluate both scorecards on the
later ones. Segment overrides are kept (for the measures the suggestion keeps).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from nabd.errors import NabdError
from nabd.health.coverage import unscored_cause
from nabd.health.backtest import Backtest, outcome_frame, run_backtest, summarise
from nabd.health.churn_fit import FOLDS, Candidate, choose_strength, cross_validate, fit_weights
from nabd.health.scorecard import Scorecard, without_unset_later_fields
from nabd.store import Store

@dataclass(frozen=True)
class Suggestion:
    fitted_on: list[date]
    evaluated_on: list[date]
    current_weights: dict[str, float]
    suggested_weights: dict[str, float]
    coefficients: dict[str, float]  # c_i: churn log-odds fall by c_i per 100 points of the measure's score
    current: Backtest  # both evaluated on the later dates
    suggested: Backtest
    scorecard: Scorecard  # the suggested scorecard (fitted default weights; segment overrides kept)
    candidates: list[Candidate]  # the cross-validation inside the fit window
    strength: float | None  # chosen (None: the data cannot tell, the current weights are kept)
    fitted_churned_accounts: int  # distinct accounts that churned in the fit window


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


def measure_features(frame: pd.DataFrame, scorecard: Scorecard) -> np.ndarray:
    """Measure scores / 100 of the scored rows, a missing score filled as the scorecard's policy scores it."""
    scores = frame[[f"s__{m.id}" for m in scorecard.measures]].astype(float)
    if scorecard.missing_data.policy == "reweight":
        filled = scores.apply(lambda column: column.fillna(frame["weighted_score"]))
    else:
        filled = scores.fillna(scorecard.missing_data.neutral_score)
    return filled.to_numpy() / 100


def _current_fit(features: np.ndarray, churned: np.ndarray, current: np.ndarray) -> np.ndarray:
    """k w: the current weights (summing to 1) scaled by the fitted coefficient of the current score alone."""
    return fit_weights((features @ current)[:, None], churned)[1] * current


def suggest_weights(
    store: Store, scorecard: Scorecard, dates: list[date], horizon_days: int, strength: float | None = None
) -> Suggestion:
    """Fit weights on the earlier dates, then backtest the current and suggested scorecards on the later ones.

    ``strength`` fixes the shrinkage; by default cross-validation inside the fit window chooses it.
    """
    fit_dates, evaluate_dates = split_dates(dates, horizon_days)
    stacked = outcome_frame(store, scorecard, fit_dates, horizon_days, with_measures=True)
    training = stacked[stacked["weighted_score"].notna()]
    ids = [m.id for m in scorecard.measures]
    churned = training["churned"].to_numpy().astype(float)
    if len(training) == 0:
        cause = summarise(stacked, scorecard, horizon_days)
        raise NabdError(" ".join([f"nothing to fit on: no account was scored on the {len(fit_dates)} fit dates.",
                                  *(line.strip() for line in unscored_cause(scorecard, cause.unscored, cause.missing,
                                                                            what="(account, as-of) pairs"))]))
    if churned.min() == churned.max():
        outcome = "churned" if churned.min() == 0 else "stayed"
        raise NabdError(f"no scored account {outcome} within {horizon_days} days of the {len(fit_dates)} fit dates "
                        f"({len(training)} scored pairs): widen --from/--to or change --horizon")
    features = measure_features(training, scorecard)
    current = np.array([scorecard.weights()[i] for i in ids]) / 100
    candidates = cross_validate(features, churned, training["account_id"].to_numpy(), current)
    if strength is None:
        if not candidates:
            raise NabdError("too few churned accounts in the fit window to cross-validate: widen --from/--to")
        strength = choose_strength(candidates)
    fitted = _current_fit(features, churned, current) if strength is None else fit_weights(features, churned, strength)[1:]
    if fitted.sum() <= 0:
        raise NabdError("no measure's score goes with less churn in the fit window: keep the current weights")
    suggested_weights = {i: float(100 * w / fitted.sum()) for i, w in zip(ids, fitted)}
    suggested = suggested_scorecard(scorecard, suggested_weights)
    current_result = summarise(
        outcome_frame(store, scorecard, evaluate_dates, horizon_days), scorecard, horizon_days
    )
    return Suggestion(
        fit_dates, evaluate_dates, scorecard.weights(), suggested_weights, dict(zip(ids, fitted.tolist())),
        current_result, run_backtest(store, suggested, evaluate_dates, horizon_days), suggested,
        candidates, strength, int(training.loc[training["churned"] == 1, "account_id"].nunique()),
    )


def suggested_scorecard(scorecard: Scorecard, weights: dict[str, float]) -> Scorecard:
    """The scorecard with ``weights`` (rounded to 0.1), measures of weight 0 left out; each segment override
    kept for the measures that stay (an override left with no positive weight is dropped)."""
    content = scorecard.model_dump(mode="json")
    content["name"] = f"{scorecard.name}-suggested"
    content["measures"] = [
        {**m, "weight": round(weights[m["id"]], 1)} for m in content["measures"] if round(weights[m["id"]], 1) > 0
    ]
    kept = {m["id"]: m["weight"] for m in content["measures"]}
    segments = {}
    for name, override in content["segments"].items():
        overridden = {i: w for i, w in override["weights"].items() if i in kept}
        if sum(overridden.get(i, w) for i, w in kept.items()) > 0:
            segments[name] = {"weights": overridden}
    content["segments"] = segments
    return Scorecard.model_validate(content)


def write_scorecard(scorecard: Scorecard, path: Path) -> None:
    """Write the scorecard as YAML to a NEW file; an existing file is never overwritten."""
    if path.exists():
        raise NabdError(f"{path} already exists: choose another file name (Nabd never overwrites a scorecard)")
    content = without_unset_later_fields(scorecard.model_dump(mode="json"))
    text = yaml.safe_dump(content, allow_unicode=True, sort_keys=False, width=100)
    path.write_text(f"# suggested by `nabd score suggest`; version {scorecard.version}\n{text}", encoding="utf-8")


def render_suggestion(suggestion: Suggestion) -> list[str]:
    """Current vs suggested weights, the cross-validation that chose them, and the backtest of both on the later dates."""
    s = suggestion
    def strength(value: float | None) -> str:
        return "current weights" if value is None else f"strength {value:g}"

    lines = [
        (
            f"fitted on {len(s.fitted_on)} as-of dates {s.fitted_on[0]}..{s.fitted_on[-1]} "
            f"({s.fitted_churned_accounts} accounts churned), "
            f"evaluated on {len(s.evaluated_on)} later dates {s.evaluated_on[0]}..{s.evaluated_on[-1]}"
        ),
        f"cross-validation inside the fit window ({FOLDS} folds by account), mean AUC ± standard error:",
        *(f"  {strength(c.strength):<16} {c.auc:.3f} ± {c.spread:.3f}" for c in s.candidates),
        f"chosen: {strength(s.strength)}"
        + (" (no strength beats the current weights by more than one standard error; more history, i.e. more "
           "churned accounts in the fit window, is what lets a fit be told apart)" if s.strength is None else ""),
        "measure                     current  suggested  coefficient",
    ]
    for measure, weight in s.current_weights.items():
        lines.append(f"{measure:<27} {weight:>7.1f}  {s.suggested_weights[measure]:>9.1f}  {s.coefficients[measure]:>11.2f}")
    lines.append("backtest on the evaluation dates (AUC, churn red / yellow / green):")
    for label, result in (("current", s.current), ("suggested", s.suggested)):
        rates = " / ".join("-" if b.churn_rate is None else f"{b.churn_rate:.1%}" for b in result.bands if b.band != "unscored")
        shown = "-" if result.auc is None else f"{result.auc:.3f}"
        lines.append(f"  {label:<10} AUC {shown}   churn {rates}")
    return lines
