"""Training examples of the churn model: one row per (active account, as-of date), its features and its label.

Features are the raw values of the candidate measures (nabd.health.candidates.candidate_measures, the one
generator `nabd scorecard init` reads too), computed in the engine by the measure library
(nabd.health.measures.measure_values) as of each date: only facts known on that date. The label is
churn within the horizon as the backtest defines it (nabd.health.backtest.with_churn): active on as_of and
not active on as_of + horizon. The query is compiled once and run per date (nabd.store.per_day).

Out of time: the validation dates are the last ones; a fit date's horizon ends on or before the first
validation date, so no outcome the model learns from is later than the window it is judged on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from nabd.errors import NabdError
from nabd.health.backtest import data_end, labels_end, with_churn
from nabd.health.candidates import candidate_measures
from nabd.health.measures import measure_values
from nabd.health.scorecard import MeasureSpec
from nabd.health.scoring import as_of_dates
from nabd.store import Store
from nabd.store.per_day import as_of_parameter, compile_per_day

DEFAULT_HORIZON_DAYS = 90
DEFAULT_EVERY_DAYS = 14
WARM_UP_DAYS = 90  # the first as-of date is this long after the first day with data (windows fill up)
VALIDATE_SHARE = 0.3  # the last share of the labelled span is the out-of-time validation window
KEYS = ["account_id", "as_of"]


@dataclass(frozen=True)
class Examples:
    """Stacked examples: ``frame`` has account_id, as_of, one float column per feature, churned (0/1)."""

    frame: pd.DataFrame
    features: list[str]  # measure ids, in column order


def data_start(store: Store) -> date:
    """The first day the store has facts for: the first activity day, else the first period start."""
    first = store.scalar("SELECT min(day) FROM activity_daily") or store.scalar("SELECT min(start_date) FROM subscriptions")
    if first is None:
        raise NabdError("the database has no activity and no subscriptions: import data (or run `nabd demo`) first")
    return first


def feature_specs(store: Store, as_of: date, horizon_days: int = DEFAULT_HORIZON_DAYS) -> list[MeasureSpec]:
    """The model's features: the candidate measures the data can feed as of ``as_of`` for churn within
    ``horizon_days`` (fixed at fit time)."""
    return candidate_measures(store, as_of, horizon_days=horizon_days)


def labelled_dates(store: Store, horizon_days: int, every_days: int) -> list[date]:
    """Every ``every_days`` days from the first day with data + WARM_UP_DAYS to the last day whose horizon the
    data has observed (labels_end - horizon); a horizon longer than the history is one clear line."""
    first, end = data_start(store) + timedelta(days=WARM_UP_DAYS), labels_end(store)
    last = end - timedelta(days=horizon_days)
    if last < first:
        span = (end - data_start(store)).days
        raise NabdError(
            f"a horizon of {horizon_days} days is longer than the history allows: {span} days of data "
            f"({data_start(store)} to {end}) less {WARM_UP_DAYS} days of warm-up: use --horizon "
            f"{max(span - WARM_UP_DAYS, 1)} or less"
        )
    return as_of_dates(first, last, every_days)


def split_out_of_time(dates: list[date], horizon_days: int, share: float = VALIDATE_SHARE) -> tuple[list[date], list[date]]:
    """(fit dates, validation dates): the last ``share`` of the span validates; a fit date's as_of + horizon
    is on or before the first validation date."""
    if len(dates) < 2:
        raise NabdError("too little history to validate out of time: at least two as-of dates are needed")
    span = (dates[-1] - dates[0]).days
    start = dates[-1] - timedelta(days=round(span * share))
    validate = [d for d in dates if d >= start]
    fit = [d for d in dates if d + timedelta(days=horizon_days) <= validate[0]]
    if not fit:
        raise NabdError(
            f"no as-of date is early enough to fit on: its {horizon_days}-day horizon must end before the "
            f"validation window ({validate[0]} on); shorten --horizon or load more history"
        )
    return fit, validate


def _frame(store: Store, sql: str, names: list[str]) -> pd.DataFrame:
    if store.kind == "duckdb":
        return store.raw.execute(sql).df()
    return pd.DataFrame(store.fetchall(sql), columns=names)


def example_frame(
    store: Store, specs: list[MeasureSpec], dates: list[date], horizon_days: int | None
) -> Examples:
    """Features of every account active on each date (and its label when ``horizon_days`` is given), stacked.

    Features are float32 (NaN = no data); ``churned`` is 1 when the account is not active on as_of + horizon."""
    as_of = as_of_parameter()
    values = measure_values(store, specs, as_of)
    columns = ["account_id", *(f"r__{s.id}" for s in specs)]
    values = values.select(*columns)
    if horizon_days is not None:
        values = with_churn(store, values, as_of, horizon_days)
    names = list(values.schema().names)
    query = compile_per_day(store, values, as_of)
    frames = [_frame(store, query(day), names).assign(as_of=day) for day in dates]
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=[*names, "as_of"])
    features = [s.id for s in specs]
    frame = frame.rename(columns={f"r__{i}": i for i in features})
    frame = frame.sort_values(KEYS, kind="stable", ignore_index=True)  # the engine's row order varies
    frame[features] = frame[features].astype("float32")
    frame["account_id"] = frame["account_id"].astype(str)
    if horizon_days is not None:
        frame["churned"] = frame["churned"].astype("int8")
    return Examples(frame[[*KEYS, *features, *(["churned"] if horizon_days is not None else [])]], features)


def matrix(examples: Examples) -> np.ndarray:
    """The feature matrix (rows x features, float32, NaN = no data)."""
    return examples.frame[examples.features].to_numpy(dtype=np.float32)


def last_day(store: Store) -> date:
    """The last day with data (nabd.health.backtest.data_end): the default as-of of a prediction."""
    return data_end(store)
