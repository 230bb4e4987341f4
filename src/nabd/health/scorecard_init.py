"""`nabd scorecard init`: a starter scorecard learnt from the company's own history.

1. Candidates: every measure the data can feed (nabd.health.candidates, the one generator), as of the
   last fit date, each scored as a percentile within the account's segment.
2. Values: the candidates scored together on every as-of date (the backtest's outcome frame, computed in
   the engine), each (account, as-of) pair labelled churned when the account is active on as_of and not on
   as_of + horizon.
3. A time split (nabd.health.suggest.split_dates): fit on the earlier dates whose horizon ended before the
   first check date, check on the later ones; never the same dates.
4. Shape, pick and weight on the fit dates only. Each candidate is scored either as its percentile within
   the segment or by a monotone piecewise curve of its raw value fitted to churn across all segments
   (nabd.health.churn_fit.monotone_points), whichever ranks churn better alone on the fit dates (ties:
   the percentile); a measure's direction is the one its univariate AUC says; measures whose univariate
   AUC is under MIN_AUC, or that follow an already picked measure too closely (|correlation| >
   MAX_CORRELATION), are left out; at most MAX_MEASURES; then logistic regression of churn on their
   scores / 100 with weights >= 0 and the L2 strength (0 included) of the best mean AUC in
   cross-validation by account (nabd.health.churn_fit); weight = 100 c_i / sum c. This method (screen
   the top 12, fit without the one-standard-error rule) was chosen by measuring the alternatives on the
   standard demo and Ledger (benchmarks/RESULTS.md).
   A missing score counts as 50 (the written scorecard's ``neutral`` policy), so the fit scores as the
   scorecard will.
5. The written scorecard keeps the shipped default's bands (0-50 / 51-79 / 80-100) and actions, and is
   backtested on the check dates: its out-of-time AUC goes into the file's comments, next to the shipped
   scorecards' on the same dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from nabd.errors import NabdError
from nabd.health.backtest import Backtest, outcome_frame, run_backtest
from nabd.health.candidates import candidate_measures
from nabd.health.churn_fit import STRENGTHS, cross_validate, fit_weights, monotone_points, piecewise_scores, roc_auc
from nabd.health.coverage import STARTER_SCORECARD
from nabd.health.scorecard import (
    MeasureSpec,
    Piecewise,
    Rule,
    Scorecard,
    load_scorecard,
    without_unset_later_fields,
)
from nabd.health.suggest import split_dates
from nabd.store import Store

MIN_CHURNED = 30  # distinct churned accounts in the fit window below which a fit is not worth writing
MIN_AUC = 0.55  # univariate AUC (direction chosen) a measure needs to be considered
MAX_CORRELATION = 0.9  # a measure this correlated with a better one adds nothing
MAX_MEASURES = 12
NEUTRAL = 50.0


@dataclass(frozen=True)
class Pick:
    spec: MeasureSpec  # as written (direction and weight set)
    auc: float  # univariate AUC on the fit dates, direction chosen
    coefficient: float  # c_i: churn log-odds fall by c_i per 100 points of the measure's score
    weight: float  # normalised to 100


@dataclass(frozen=True)
class Starter:
    scorecard: Scorecard
    picks: list[Pick]
    candidates: int  # candidate measures generated
    considered: int  # candidates that passed the univariate screen
    fitted_on: list[date]
    checked_on: list[date]
    fitted_pairs: int
    fitted_churned_accounts: int
    strength: float
    check: Backtest  # the generated scorecard on the check dates
    shipped: dict[str, Backtest]  # the shipped scorecards on the same dates


def candidate_scorecard(specs: list[MeasureSpec]) -> Scorecard:
    """Every candidate in one scorecard (weight 1, missing scores neutral, no minimum coverage) to score together."""
    bands = load_scorecard().model_dump(mode="json")["bands"]
    return Scorecard.model_validate({
        "name": "candidates", "measures": [s.model_dump(mode="json") for s in specs], "bands": bands,
        "missing_data": {"policy": "neutral", "neutral_score": NEUTRAL, "minimum_coverage": 0},
    })


def scores_matrix(frame: pd.DataFrame, ids: list[str]) -> np.ndarray:
    """Measure scores / 100 of each pair, a missing score as the neutral 50."""
    return frame[[f"s__{i}" for i in ids]].astype(float).fillna(NEUTRAL).to_numpy() / 100


def _refuse_without_churn(frame: pd.DataFrame, fit_dates: list[date], horizon_days: int) -> int:
    churned = int(frame.loc[frame["churned"] == 1, "account_id"].nunique())
    span = f"the {len(fit_dates)} fit dates {fit_dates[0]}..{fit_dates[-1]}"
    offer = ("use a shipped scorecard meanwhile: `nabd score --scorecard any_events` (any event names) or the "
             "default (`nabd score`)")
    if not len(frame):
        raise NabdError(f"no account was active on {span}: import accounts and subscriptions first, or {offer}")
    if churned == 0:
        raise NabdError(f"no churn to learn from: none of the {frame['account_id'].nunique()} accounts active on "
                        f"{span} left within {horizon_days} days (churn is a subscription that ends unrenewed: "
                        f"subscriptions.end_date); {offer}")
    if churned < MIN_CHURNED:
        raise NabdError(f"too little churn to learn from: {churned} accounts churned within {horizon_days} days of "
                        f"{span}, scorecard init needs at least {MIN_CHURNED}: widen --from (more history) or "
                        f"lengthen --horizon; {offer}")
    return churned


def directed(spec: MeasureSpec, as_generated: bool) -> MeasureSpec:
    """The candidate's score as generated (``as_generated``) or the other way round (100 - score)."""
    if as_generated:
        return spec
    rule = spec.rule
    if isinstance(rule, Piecewise):
        flipped = rule.model_copy(update={"points": [(x, round(100 - score, 1)) for x, score in rule.points]})
    else:
        flipped = rule.model_copy(update={"higher_is_better": not rule.higher_is_better})
    return spec.model_copy(update={"rule": flipped})


def higher_is_better(rule: Rule) -> bool:
    """Whether a higher raw value scores higher under a percentile or monotone piecewise rule."""
    if isinstance(rule, Piecewise):
        return rule.points[-1][1] >= rule.points[0][1]
    return rule.higher_is_better


def _ranking(values: np.ndarray, churned: np.ndarray) -> tuple[float, bool]:
    """How well ``values`` alone rank churn whichever way they point: (max(AUC, 1 - AUC) of low values
    churning, whether higher values mean less churn); 0.5 when the AUC is undefined."""
    auc = roc_auc(-values, churned)
    return (0.5, True) if auc is None else (max(auc, 1 - auc), auc >= 0.5)


def shaped(frame: pd.DataFrame, specs: list[MeasureSpec]) -> tuple[list[MeasureSpec], np.ndarray]:
    """Each candidate scored as its percentile or by its monotone piecewise curve, whichever ranks the fit
    pairs' churn better alone (ties: the percentile), and the fit pairs' scores / 100 under that choice
    (a missing score as the neutral 50)."""
    churned = frame["churned"].to_numpy().astype(int)
    percentiles = scores_matrix(frame, [s.id for s in specs])
    chosen, columns = [], []
    for k, spec in enumerate(specs):
        column = percentiles[:, k]
        raw = frame[f"r__{spec.id}"].to_numpy(dtype=float)
        known = ~np.isnan(raw)
        points = monotone_points(raw[known], churned[known]) if known.sum() > 1 else None
        if points is not None:
            curve = np.nan_to_num(piecewise_scores(raw, points), nan=NEUTRAL) / 100
            if _ranking(curve, churned)[0] > _ranking(column, churned)[0]:
                spec = spec.model_copy(update={"rule": Piecewise(kind="piecewise", points=points)})
                column = curve
        chosen.append(spec)
        columns.append(column)
    return chosen, np.column_stack(columns) if columns else np.empty((len(frame), 0))


def screen(features: np.ndarray, churned: np.ndarray, specs: list[MeasureSpec]) -> list[tuple[int, float, bool]]:
    """(column, univariate AUC, whether the generated direction holds) of the candidates worth fitting, best
    first: AUC >= MIN_AUC, none correlated beyond MAX_CORRELATION with a better one, at most MAX_MEASURES.
    Ties in AUC are broken by measure type, never by an event name, so renaming event types picks the same
    measures."""
    ranked = []
    for column, spec in enumerate(specs):
        values = features[:, column]
        if values.min() == values.max():
            continue
        ranked.append((column, *_ranking(values, churned)))
    ranked.sort(key=lambda r: (-round(r[1], 9), specs[r[0]].type, specs[r[0]].params.sum or ""))
    kept: list[tuple[int, float, bool]] = []
    for column, auc, higher in ranked:
        if auc < MIN_AUC or len(kept) >= MAX_MEASURES:
            break
        if all(abs(np.corrcoef(features[:, column], features[:, k])[0, 1]) <= MAX_CORRELATION for k, _, _ in kept):
            kept.append((column, auc, higher))
    return kept


def init_scorecard(store: Store, dates: list[date], horizon_days: int, name: str = "starter") -> Starter:
    """Learn a starter scorecard from the store's history on ``dates`` (see the module)."""
    fit_dates, check_dates = split_dates(dates, horizon_days)
    specs = candidate_measures(store, fit_dates[-1], horizon_days=horizon_days)
    candidates = candidate_scorecard(specs)
    frame = outcome_frame(store, candidates, fit_dates, horizon_days, with_measures=True)
    churned_accounts = _refuse_without_churn(frame, fit_dates, horizon_days)
    churned = frame["churned"].to_numpy().astype(int)
    specs, features = shaped(frame, specs)
    kept = screen(features, churned, specs)
    if not kept:
        raise NabdError(f"no candidate measure ranks churn better than chance (univariate AUC >= {MIN_AUC}) on "
                        f"the fit dates: use a shipped scorecard (`nabd score --scorecard any_events`)")
    chosen = np.column_stack([features[:, c] if as_generated else 1 - features[:, c] for c, _, as_generated in kept])
    folds = cross_validate(chosen, churned, frame["account_id"].to_numpy(), strengths=(0.0, *STRENGTHS))
    strength = max(folds, key=lambda c: c.auc).strength if folds else 0.0
    coefficients = fit_weights(chosen, churned, strength)[1:]
    total = float(coefficients.sum())
    picks = []
    for (column, auc, as_generated), coefficient in zip(kept, coefficients):
        weight = round(100 * float(coefficient) / total, 1) if total > 0 else 0.0
        if weight > 0:
            spec = directed(specs[column], as_generated).model_copy(update={"weight": weight})
            picks.append(Pick(spec, auc, float(coefficient), weight))
    if not picks:
        raise NabdError("no measure's score goes with less churn once fitted together: use a shipped scorecard "
                        "(`nabd score --scorecard any_events`)")
    scorecard = starter_scorecard(name, [p.spec for p in picks])
    check = run_backtest(store, scorecard, check_dates, horizon_days)
    shipped = {card.name: run_backtest(store, card, check_dates, horizon_days)
               for card in (load_scorecard(), load_scorecard(str(STARTER_SCORECARD)))}
    return Starter(scorecard, picks, len(specs), len(kept), fit_dates, check_dates, len(frame), churned_accounts,
                   strength, check, shipped)


def starter_scorecard(name: str, specs: list[MeasureSpec]) -> Scorecard:
    """The picked measures with the shipped default's bands and actions; a missing score counts as 50, and
    an account needs values for half the weight to be scored."""
    default = load_scorecard().model_dump(mode="json")
    return Scorecard.model_validate({
        "name": name,
        "description": "Learnt by `nabd scorecard init` from this company's own history (see the comments).",
        "measures": [without_unset_later_fields(s.model_dump(mode="json")) for s in specs],
        "missing_data": {"policy": "neutral", "neutral_score": NEUTRAL, "minimum_coverage": 0.5},
        "bands": default["bands"],
    })


def _auc(result: Backtest) -> str:
    return "undefined" if result.auc is None else f"{result.auc:.3f}"


def starter_yaml(starter: Starter) -> str:
    """The scorecard as commented YAML: why each measure is in it, and its own out-of-time backtest."""
    s = starter
    card = without_unset_later_fields(s.scorecard.model_dump(mode="json"))
    head = [
        "# Written by `nabd scorecard init` from this company's own history: nothing here was set by hand.",
        f"# Candidates: {s.candidates} measures the data can feed (nabd.health.candidates), each scored as a "
        "percentile within the account's segment",
        "# or by a monotone curve of its value fitted to churn on the fit dates, whichever ranked churn better;",
        f"# {s.considered} ranked churn alone with AUC >= {MIN_AUC} and were not near-copies of a better one.",
        f"# Fitted on {len(s.fitted_on)} as-of dates {s.fitted_on[0]}..{s.fitted_on[-1]} ({s.fitted_pairs} "
        f"(account, as-of) pairs, {s.fitted_churned_accounts} accounts churned within {s.check.horizon_days} days):",
        "# logistic regression of churn on the scores / 100, weights >= 0, L2 strength "
        f"{s.strength:g} chosen by cross-validation by account.",
        f"# Checked on {len(s.checked_on)} LATER as-of dates {s.checked_on[0]}..{s.checked_on[-1]} (never the fit "
        f"dates): out-of-time AUC {_auc(s.check)}, {s.check.accounts} scored pairs, {s.check.unscored} unscored;",
        "# the shipped scorecards on the same dates: "
        + ", ".join(f"{name} AUC {_auc(result)}" for name, result in s.shipped.items()) + ".",
        "# Bands and actions are the shipped default's. Keep it: `nabd scorecard save FILE --activate`.",
    ]
    rates = " / ".join("-" if b.churn_rate is None else f"{b.churn_rate:.1%}" for b in s.check.bands
                       if b.band != "unscored")
    head.append(f"# Churn on the check dates by band (red / yellow / green): {rates}.")
    body = [yaml.safe_dump({k: card[k] for k in ("name", "description")}, allow_unicode=True, sort_keys=False,
                           width=100).rstrip(), "", "measures:"]
    for pick, measure in zip(s.picks, card["measures"]):
        direction = "higher is better" if higher_is_better(pick.spec.rule) else "lower is better"
        shape = ("a monotone curve of its value fitted to churn" if isinstance(pick.spec.rule, Piecewise)
                 else "its percentile in the segment")
        body.append(f"  # why: scored by {shape}, alone it ranks churn with AUC {pick.auc:.3f} on the fit dates "
                    f"({direction}); fitted coefficient {pick.coefficient:.2f}")
        dumped = yaml.dump([_without_none(measure)], Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
        body.extend("  " + line for line in dumped.rstrip().splitlines())
    rest = {k: card[k] for k in ("missing_data", "bands")}
    body += ["", "# a missing score counts as 50; an account needs values for half the weight to get a score",
             yaml.safe_dump(rest, allow_unicode=True, sort_keys=False, width=100).rstrip()]
    return "\n".join(head + body) + "\n"


class _Point(list):
    """A piecewise rule's (value, score) point, written on one line: ``[7.5, 51.9]``."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Point, lambda dumper, point: dumper.represent_sequence(
    "tag:yaml.org,2002:seq", point, flow_style=True))


def _without_none(content: object) -> object:
    """The mapping without its unset (None) fields, which are the defaults: shorter to read, the same scorecard;
    a piecewise rule's points one per line."""
    if isinstance(content, dict):
        return {k: [_Point(p) for p in v] if k == "points" else _without_none(v)
                for k, v in content.items() if v is not None}
    return content


def write_starter(starter: Starter, path: Path) -> None:
    """Write the commented scorecard to a NEW file; an existing file is never overwritten."""
    if path.exists():
        raise NabdError(f"{path} already exists: choose another file name (Nabd never overwrites a scorecard)")
    path.write_text(starter_yaml(starter), encoding="utf-8")


def starter_record(starter: Starter) -> dict:
    """The starter scorecard's picks and figures as one JSON-ready mapping."""
    s = starter
    return {
        "scorecard": s.scorecard.name, "version": s.scorecard.version, "candidates": s.candidates,
        "considered": s.considered, "strength": s.strength,
        "fitted_on": [d.isoformat() for d in s.fitted_on], "checked_on": [d.isoformat() for d in s.checked_on],
        "fitted_pairs": s.fitted_pairs, "fitted_churned_accounts": s.fitted_churned_accounts,
        "measures": [{"id": p.spec.id, "type": p.spec.type, "events": p.spec.params.events, "sum": p.spec.params.sum,
                      "scoring": p.spec.rule.kind, "higher_is_better": higher_is_better(p.spec.rule), "weight": p.weight,
                      "univariate_auc": p.auc, "coefficient": p.coefficient} for p in s.picks],
        "check_auc": s.check.auc, "check_scored_pairs": s.check.accounts, "check_unscored_pairs": s.check.unscored,
        "shipped_check_auc": {name: result.auc for name, result in s.shipped.items()},
    }


def render_starter(starter: Starter) -> list[str]:
    """The picks and the out-of-time check as lines of plain text."""
    s = starter
    lines = [
        f"{s.candidates} candidate measures, {s.considered} rank churn alone (AUC >= {MIN_AUC}); fitted on "
        f"{len(s.fitted_on)} as-of dates {s.fitted_on[0]}..{s.fitted_on[-1]} ({s.fitted_churned_accounts} accounts "
        f"churned), checked on {len(s.checked_on)} later dates {s.checked_on[0]}..{s.checked_on[-1]}",
        "measure                                    weight  alone AUC  coefficient  direction      scored by",
    ]
    for p in s.picks:
        direction = "higher better" if higher_is_better(p.spec.rule) else "lower better"
        shape = "curve" if isinstance(p.spec.rule, Piecewise) else "percentile"
        lines.append(f"{p.spec.id:<42} {p.weight:>6.1f}  {p.auc:>9.3f}  {p.coefficient:>11.2f}  {direction:<13}  {shape}")
    lines.append(f"out-of-time AUC on the check dates: {_auc(s.check)} (shipped on the same dates: "
                 + ", ".join(f"{name} {_auc(result)}" for name, result in s.shipped.items()) + ")")
    return lines
