"""Suggested weights: learn measure weights from history, validated on a later window than they are fitted on.

Model: logistic regression of churn within the horizon on the measure scores / 100, x_i, with the
scorecard's missing-data policy (reweight: a missing score counts as the account's weighted score;
neutral: as neutral_score), P(churn) = 1 / (1 + exp(-(b0 - sum c_i x_i))) with c_i >= 0 (a weight
cannot be negative). The fit minimises -loglik + strength x n / 2 x sum (c_i - k w_i)^2: it shrinks
toward the CURRENT weights w (normalised to 1) scaled by k, the coefficient of the current score
alone, so with little data the suggestion stays the current scorecard. The strength is chosen by
5-fold cross-validation inside the fit window (folds by account, so an account's repeated as-of
dates never straddle training and validation), keeping the current weights unless a strength beats
them by more than one standard error. Suggested weight = 100 c_i / sum c. Fit on the earlier as-of
dates whose horizon ended before the first evaluation date; evaluate both scorecards on the later ones.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from nabd.errors import NabdError
from nabd.health.coverage import unscored_cause
from nabd.health.backtest import Backtest, auc, outcome_frame, run_backtest, summarise
from nabd.health.scorecard import Scorecard, without_unset_later_fields
from nabd.store import Store

STRENGTHS = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)  # per-row shrinkage strengths tried by cross-validation
FOLDS = 5


def fit_weights(
    features: np.ndarray, churned: np.ndarray, prior: np.ndarray | None = None, strength: float = 0.0,
    iterations: int = 100,
) -> np.ndarray:
    """[b0, c1..ck] minimising -loglik(b0 - X c) + strength n/2 ||c - prior||^2 subject to c >= 0.

    Projected Newton (Bertsekas 1982): a coefficient at 0 whose gradient pushes it below stays there;
    the others take a Newton step, projected onto c >= 0 and halved until the loss falls (Armijo).
    """
    n, k = features.shape
    prior = np.zeros(k) if prior is None else prior
    design = np.column_stack([np.ones(n), -features])
    penalty = np.full(k + 1, strength * n)
    penalty[0] = 0.0
    centre = np.concatenate([[0.0], prior])

    def loss(beta: np.ndarray) -> float:
        z = design @ beta
        return float(np.sum(np.logaddexp(0.0, z) - churned * z) + np.sum(penalty * (beta - centre) ** 2) / 2)

    def project(beta: np.ndarray) -> np.ndarray:
        return np.concatenate([beta[:1], np.maximum(beta[1:], 0.0)])

    beta = project(centre.copy())
    current = loss(beta)
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-np.clip(design @ beta, -30, 30)))
        gradient = design.T @ (p - churned) + penalty * (beta - centre)
        free = np.ones(k + 1, dtype=bool)
        free[1:] = (beta[1:] > 0) | (gradient[1:] < 0)
        if np.max(np.abs(gradient[free]), initial=0.0) < 1e-9 * max(n, 1):
            break
        # einsum, not a matrix product: OpenBLAS' threads spin on a busy machine (100x slower here)
        hessian = np.einsum("ni,n,nj->ij", design[:, free], p * (1 - p), design[:, free]) + np.diag(penalty[free])
        step = np.zeros(k + 1)
        step[free] = -np.linalg.lstsq(hessian, gradient[free], rcond=None)[0]
        scale = 1.0
        while True:
            trial = project(beta + scale * step)
            value = loss(trial)
            if value <= current + 1e-4 * gradient @ (trial - beta) or scale < 1e-10:
                break
            scale /= 2
        if value >= current - 1e-12 * (1 + abs(current)):
            beta = trial if value < current else beta
            break
        beta, current = trial, value
    return beta


@dataclass(frozen=True)
class Candidate:
    strength: float | None  # None: the current weights, unfitted
    auc: float  # mean validation AUC over the folds
    spread: float  # standard error of that mean


@dataclass(frozen=True)
class Suggestion:
    fitted_on: list[date]
    evaluated_on: list[date]
    current_weights: dict[str, float]
    suggested_weights: dict[str, float]
    coefficients: dict[str, float]  # c_i: churn log-odds fall by c_i per 100 points of the measure's score
    current: Backtest  # both evaluated on the later dates
    suggested: Backtest
    scorecard: Scorecard  # the suggested scorecard (default weights only; segment overrides dropped)
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


def _prior(features: np.ndarray, churned: np.ndarray, current: np.ndarray) -> np.ndarray:
    """k w: the current weights (summing to 1) scaled by the fitted coefficient of the current score alone."""
    scale = fit_weights((features @ current)[:, None], churned)[1]
    return scale * current


def cross_validate(
    features: np.ndarray, churned: np.ndarray, accounts: np.ndarray, current: np.ndarray,
    strengths: tuple[float, ...] = STRENGTHS,
) -> list[Candidate]:
    """Mean validation AUC (and its standard error) of the current weights and of each strength, folds by account."""
    names = np.unique(accounts)
    fold_of = dict(zip(names, np.arange(len(names)) % FOLDS))
    folds = np.array([fold_of[a] for a in accounts])
    results: dict[float | None, list[float]] = {None: [], **{s: [] for s in strengths}}
    for fold in range(FOLDS):
        train, valid = folds != fold, folds == fold
        if churned[valid].min(initial=1) == churned[valid].max(initial=0) or churned[train].sum() == 0:
            continue  # a fold without both outcomes cannot rank
        results[None].append(auc(-(features[valid] @ current), churned[valid]))
        prior = _prior(features[train], churned[train], current)
        for strength in strengths:
            c = fit_weights(features[train], churned[train], prior, strength)[1:]
            results[strength].append(auc(-(features[valid] @ c), churned[valid]))
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
    prior = _prior(features, churned, current)
    fitted = prior if strength is None else fit_weights(features, churned, prior, strength)[1:]
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
