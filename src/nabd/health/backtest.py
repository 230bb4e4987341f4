"""Backtest: does the score, computed as it would have been on past dates, predict churn?

For each past as_of, every active account is scored with the scorecard as it stands (nothing is
written) and labelled churned when it is active on as_of and not active on as_of + horizon. Over
all (account, as_of) pairs: AUC of the score for churn (lower score = riskier), churn rate and MRR
lost per band, lift of the lowest-scoring decile, and a calibration table by score range. Scores
and labels are computed in the engine; the statistics run on the small per-account result.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from datetime import date, timedelta

import ibis
import numpy as np
import pandas as pd

from nabd.errors import NabdError
from nabd.health.coverage import unscored_cause
from nabd.health.overrides import overrides_on_days
from nabd.health.scorecard import Scorecard
from nabd.health.score_expression import scored
from nabd.health.scoring import as_of_dates
from nabd.metrics.active import account_mrr_on_days, active_accounts
from nabd.store import Store
from nabd.store.compiled import kept_per_day
from nabd.store.per_day import as_of_parameter, rows_on_days, sentinel_sql
from nabd.store.window import as_of_value

# A warning (an indicator firing) counts for a churn it came WARNING_LEAD_MIN to WARNING_LEAD_MAX days before: the
# one lead window of the warning backtest, the inbox's precision and lead, the scorecard page and the monthly report.
WARNING_LEAD_MIN, WARNING_LEAD_MAX = 30, 120


@dataclass(frozen=True)
class BandOutcome:
    band: str  # band id, or "unscored"
    colour: str
    accounts: int  # (account, as_of) pairs
    churned: int
    churn_rate: float | None
    mrr_lost_per_date: float  # MRR (on as_of) of accounts that churned, averaged over the as-of dates


@dataclass(frozen=True)
class CalibrationRow:
    low: int
    high: int
    accounts: int
    churn_rate: float | None


@dataclass(frozen=True)
class Backtest:
    scorecard: str
    version: str
    horizon_days: int
    dates: list[date]
    accounts: int
    churned: int
    churn_rate: float | None
    auc: float | None
    bands: list[BandOutcome]
    lowest_decile_churn_rate: float | None
    lowest_decile_lift: float | None
    calibration: list[CalibrationRow]
    unscored: int = 0  # (account, as-of) pairs with no score (coverage below the minimum)
    missing: dict[str, int] = field(default_factory=dict)  # unscored pairs without each measure's value
    overridden: int = 0  # scored pairs with a manual override in force on their as-of date
    auc_with_overrides: float | None = None  # AUC when each override's score replaces the computed one


def data_end(store: Store) -> date:
    """The last day the store has facts for: the latest activity day, else the latest period start."""
    last = store.scalar("SELECT max(day) FROM activity_daily") or store.scalar("SELECT max(start_date) FROM subscriptions")
    if last is None:
        raise NabdError("the database has no activity and no subscriptions: import data (or run `nabd demo`) first")
    return last


def renewals_end(store: Store) -> date | None:
    """The last day a renewal is recorded, when subscriptions are kept as one row per renewal term (every
    period has an end date: a customer stays only through a new row): the latest period start. None when
    some period is open-ended (churn is then an end date, recorded whenever it happens)."""
    rows, closed, last_start = store.fetchall(
        "SELECT count(*), count(end_date), max(start_date) FROM subscriptions")[0]
    return last_start if rows and rows == closed else None


def labels_end(store: Store) -> date:
    """The last day the data can label churn: the last day with data (:func:`data_end`), but no later than
    the last recorded renewal (:func:`renewals_end`): after it, a period ending unrenewed is not churn
    observed, only renewals no longer recorded."""
    last = data_end(store)
    renewed = renewals_end(store)
    return min(last, renewed) if renewed else last


def backtest_dates(store: Store, first: date | None, last: date | None, every_days: int, horizon_days: int) -> list[date]:
    """As-of dates whose horizon has been observed: last defaults to the last day the data can label churn
    (:func:`labels_end`) - horizon, first to a year before."""
    end = labels_end(store)
    latest_possible = end - timedelta(days=horizon_days)
    last = last or latest_possible
    if last > latest_possible:
        cause = "the last day with data" if end == data_end(store) else "the last renewal the subscriptions record"
        raise NabdError(
            f"--to {last} + {horizon_days} days is after {cause} ({end}): "
            f"use --to {latest_possible} or earlier"
        )
    first = first or last - timedelta(days=364)
    if first > last:
        raise NabdError(f"--from {first} is after --to {last}")
    return as_of_dates(first, last, every_days)


def outcome_columns(scorecard: Scorecard, with_measures: bool = False) -> list[str]:
    """The columns of :func:`outcomes`, in order."""
    measures = [f"{part}__{m.id}" for m in scorecard.measures for part in ("r", "s")] if with_measures else []
    return ["account_id", "segment", "weighted_score", "score", "band", *measures, "churned"]


def outcomes(
    store: Store, scorecard: Scorecard, as_of: date | ibis.DateValue, horizon_days: int, with_measures: bool = False,
) -> ibis.Table:
    """Per account active on as_of: score, band and churned (active on as_of, not on as_of + horizon)."""
    scores = scored(store, scorecard, as_of)
    return with_churn(store, scores.select(*outcome_columns(scorecard, with_measures)[:-1]), as_of, horizon_days)


def with_churn(store: Store, accounts: ibis.Table, as_of: date | ibis.DateValue, horizon_days: int) -> ibis.Table:
    """``accounts`` (active on as_of) with ``churned`` = 1 when not active on as_of + horizon, else 0: the one
    label of churn within a horizon (the subscription definition), read by the backtest and the churn model."""
    later = (as_of_value(as_of) + ibis.interval(days=horizon_days)).cast("date")
    still_active = active_accounts(store, later).select(later_account="account_id")
    joined = accounts.left_join(still_active, accounts.account_id == still_active.later_account)
    return joined.mutate(churned=ibis.ifelse(joined.later_account.isnull(), 1, 0)).drop("later_account")


def outcome_frame(
    store: Store, scorecard: Scorecard, dates: list[date], horizon_days: int, with_measures: bool = False
) -> pd.DataFrame:
    """The outcomes of every as-of date stacked, with each account's MRR on the date (reporting currency).

    The outcome query is compiled once, kept per scorecard version (nabd.store.compiled) and run per date.
    """

    def write() -> str:
        as_of = as_of_parameter()
        return sentinel_sql(store, outcomes(store, scorecard, as_of, horizon_days, with_measures), as_of)

    names = outcome_columns(scorecard, with_measures)
    query = kept_per_day(store, f"outcomes {scorecard.version} {horizon_days} {with_measures}", write)
    frames = [pd.DataFrame(rows, columns=names).assign(as_of=day)
              for day, rows in zip(dates, rows_on_days(store, query, dates))]
    if not frames:
        return pd.DataFrame(columns=[*names, "as_of", "mrr"])
    mrr = account_mrr_on_days(store, dates).to_pyarrow().to_pandas()
    stacked = pd.concat(frames, ignore_index=True).merge(mrr, on=["as_of", "account_id"], how="left")
    stacked["mrr"] = stacked["mrr"].astype(float).fillna(0.0)
    numeric = [n for n in stacked.columns if n not in {"account_id", "segment", "band", "as_of"}]
    stacked[numeric] = stacked[numeric].astype(float)
    stacked["band"] = stacked["band"].astype(object).where(stacked["band"].notna(), None)
    return stacked


def auc(risk: np.ndarray, churned: np.ndarray) -> float | None:
    """Mann-Whitney AUC: (sum of churners' risk ranks - n1(n1+1)/2) / (n1 x n0), ties ranked by their average."""
    n1 = int(churned.sum())
    n0 = len(churned) - n1
    if n1 == 0 or n0 == 0:
        return None
    ranks = pd.Series(risk).rank(method="average").to_numpy()
    return float((ranks[churned == 1].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def summarise(frame: pd.DataFrame, scorecard: Scorecard, horizon_days: int) -> Backtest:
    """The backtest statistics of stacked outcomes."""
    dates = sorted(frame["as_of"].unique()) if len(frame) else []
    banded = frame[frame["score"].notna()]
    churned = banded["churned"].to_numpy().astype(int)
    bands = []
    for band in [*scorecard.bands, None]:
        rows = frame[frame["band"] == band.id] if band else frame[frame["band"].isna()]
        if band is None and rows.empty:
            continue
        lost = float(rows.loc[rows["churned"] == 1, "mrr"].sum()) / max(len(dates), 1)
        bands.append(BandOutcome(
            band.id if band else "unscored", band.colour if band else "-", len(rows), int(rows["churned"].sum()),
            _rate(rows["churned"]), lost,
        ))
    ordered = banded.sort_values(["weighted_score", "account_id"])
    decile = ordered.head(math.ceil(len(ordered) / 10)) if len(ordered) else ordered
    overall = _rate(banded["churned"])
    decile_rate = _rate(decile["churned"])
    calibration = []
    for low in range(0, 100, 10):
        high = 100 if low == 90 else low + 9
        rows = banded[(banded["score"] >= low) & (banded["score"] <= high)]
        calibration.append(CalibrationRow(low, high, len(rows), _rate(rows["churned"])))
    unscored = frame[frame["score"].isna()]
    missing = {m.id: int(unscored[f"s__{m.id}"].isna().sum()) for m in scorecard.measures
               if f"s__{m.id}" in unscored.columns}
    return Backtest(
        scorecard.name, scorecard.version, horizon_days, [pd.Timestamp(d).date() for d in dates],
        len(banded), int(churned.sum()), overall,
        auc(-banded["weighted_score"].to_numpy(), churned),
        bands, decile_rate,
        decile_rate / overall if decile_rate is not None and overall else None,
        calibration, len(unscored), missing,
    )


def _rate(flags: pd.Series) -> float | None:
    return float(flags.mean()) if len(flags) else None


def run_backtest(store: Store, scorecard: Scorecard, dates: list[date], horizon_days: int) -> Backtest:
    """Score each as-of date as it stands (nothing stored) and compare with churn within the horizon; and again
    with the manual overrides in force on each date in place of the computed scores (:func:`with_overrides`)."""
    frame = outcome_frame(store, scorecard, dates, horizon_days, with_measures=True)
    overrides = overrides_on_days(store, dates).to_pyarrow().to_pandas() if dates else pd.DataFrame()
    return with_overrides(summarise(frame, scorecard, horizon_days), frame, overrides)


def with_overrides(result: Backtest, frame: pd.DataFrame, overrides: pd.DataFrame) -> Backtest:
    """``result`` with the AUC of the scored pairs when the override in force on a pair's as-of date (``overrides``:
    as_of, account_id, score) replaces its computed score, and how many pairs were overridden: does overriding help?"""
    banded = frame[frame["score"].notna()]
    if overrides.empty or banded.empty:
        return dataclasses.replace(result, overridden=0, auc_with_overrides=result.auc)
    keyed = overrides.assign(as_of=pd.to_datetime(overrides["as_of"]).dt.date,
                             override=overrides["score"].astype(float)).drop(columns="score")
    joined = banded.assign(as_of=pd.to_datetime(banded["as_of"]).dt.date).merge(
        keyed, on=["as_of", "account_id"], how="left")
    risk = -joined["override"].fillna(joined["weighted_score"]).to_numpy()
    return dataclasses.replace(result, overridden=int(joined["override"].notna().sum()),
                               auc_with_overrides=auc(risk, joined["churned"].to_numpy().astype(int)))


def auc_undefined(result: Backtest) -> str:
    """Why a backtest has no AUC: nothing scored, no churn, or no survivor."""
    if not result.dates:
        return "no as-of dates"
    if not result.accounts:
        return f"no (account, as-of) pair was scored ({result.unscored} unscored)"
    if not result.churned:
        return f"no scored account churned within {result.horizon_days} days of these dates"
    return f"every scored account churned within {result.horizon_days} days of these dates"


def backtest_record(result: Backtest, scorecard: Scorecard | None = None) -> dict:
    """The backtest as one JSON-ready mapping (dates as ISO text); ``auc_undefined`` and ``unscored_cause``
    say why when there is no AUC or pairs went unscored."""
    record = dataclasses.asdict(result)
    record["dates"] = [d.isoformat() for d in result.dates]
    record["auc_undefined"] = None if result.auc is not None else auc_undefined(result)
    record["unscored_cause"] = unscored_cause(scorecard, result.unscored, result.missing) if scorecard else []
    return record


def backtest_rows(result: Backtest) -> list[dict]:
    """One row per band (and unscored), each with the backtest's headline figures: the CSV of a backtest."""
    first, last = (result.dates[0].isoformat(), result.dates[-1].isoformat()) if result.dates else (None, None)
    headline = {"scorecard": result.scorecard, "version": result.version, "horizon_days": result.horizon_days,
                "first_as_of": first, "last_as_of": last, "as_of_dates": len(result.dates), "auc": result.auc,
                "lowest_decile_lift": result.lowest_decile_lift, "overridden_pairs": result.overridden,
                "auc_with_overrides": result.auc_with_overrides}
    return [{**headline, "band": b.band, "colour": b.colour, "pairs": b.accounts, "churned": b.churned,
             "churn_rate": b.churn_rate, "mrr_lost_per_date": b.mrr_lost_per_date} for b in result.bands]


def render_backtest(result: Backtest, scorecard: Scorecard | None = None) -> list[str]:
    """The backtest as lines of plain text; with its ``scorecard``, why pairs went unscored."""
    def pct(value: float | None) -> str:
        return "-" if value is None else f"{value:.1%}"

    r = result
    span = f"{r.dates[0]} to {r.dates[-1]}, {len(r.dates)} as-of dates" if r.dates else "no as-of dates"
    lines = [
        f"backtest of scorecard {r.scorecard} ({r.version}), {r.horizon_days}-day churn, {span}",
        f"{r.accounts} scored (account, as-of) pairs, {r.churned} churned ({pct(r.churn_rate)})",
        f"AUC {r.auc:.3f} (0.5 = no better than chance)" if r.auc is not None else f"AUC: undefined: {auc_undefined(r)}",
        (f"with the manual overrides in force ({r.overridden} pairs): AUC "
         + (f"{r.auc_with_overrides:.3f}" if r.auc_with_overrides is not None else "undefined")
         if r.overridden else "no manual override was in force on these dates"),
        "band        colour   pairs  churned  churn rate  MRR lost per as-of date",
    ]
    for b in r.bands:
        lines.append(f"{b.band:<11} {b.colour:<8} {b.accounts:>5}  {b.churned:>7}  {pct(b.churn_rate):>10}  {b.mrr_lost_per_date:>12,.2f}")
    lift = f"{r.lowest_decile_lift:.2f}x" if r.lowest_decile_lift is not None else "-"
    lines.append(f"lowest-scoring decile: churn {pct(r.lowest_decile_churn_rate)}, lift {lift} over the average")
    lines.append("calibration (score range: pairs, churn rate):")
    lines.extend(f"  {c.low:>3}-{c.high:<3} {c.accounts:>6}  {pct(c.churn_rate):>7}" for c in r.calibration if c.accounts)
    lines.append("pairs overlap: an account counts once per as-of date it was active.")
    if scorecard is not None:
        lines.extend(unscored_cause(scorecard, r.unscored, r.missing, r.accounts + r.unscored, "(account, as-of) pairs"))
    return lines
