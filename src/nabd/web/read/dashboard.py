"""The dashboard's read model (and ``/api/v1/metrics``): the last whole months, for one segment or all:
customer churn, GRR/NRR, MRR movements, cohort logo retention, NPS/CSAT/CES.

Every figure comes from nabd.metrics (customer_churn, revenue_retention, mrr_movements,
cohort_retention, nps, csat, ces). Whole past months change only when data arrives, so a result is
kept under its :class:`DashboardKey` for at most CACHE_SECONDS (the server also computes the
default ones ahead, see nabd.web.warm).
"""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta
from typing import Any, NamedTuple

from nabd.metrics.mrr import MOVEMENTS
from nabd.metrics.registry import compute
from nabd.report.charts import waterfall_floor
from nabd.store import Store
from nabd.web.read.generation import CACHE_SECONDS, data_generation

_TABLES = ("churn", "revenue", "movements", "nps", "csat", "ces")


class DashboardKey(NamedTuple):
    """What a dashboard depends on: database, day, months, segment (None = all), currency, data generation."""

    database: str
    today: date
    months: int
    segment: str | None
    currency: str
    generation: tuple[Any, ...]


_dashboards: dict[DashboardKey, tuple[float, dict[str, Any]]] = {}
_dashboards_lock = threading.Lock()


def dashboard_key(
    store: Store, today: date, months: int = 12, segment: str | None = None, reporting_currency: str = "USD"
) -> DashboardKey:
    """The key of the dashboard of ``store`` on ``today`` (its data generation read now)."""
    return DashboardKey(str(store.url), today, months, segment, reporting_currency, data_generation(store))


def segment_named(store: Store, segment: str) -> str | None:
    """The segment as accounts spell it that ``segment`` names in any letter case, or None when no account
    is in it (a dashboard is computed only for segments that exist: each new one costs a computation)."""
    return store.scalar(
        "SELECT min(segment) FROM accounts WHERE lower(segment) = lower(?) AND segment <> ''", [segment.strip()]
    )


def kept_dashboard(key: DashboardKey, *, fresh: bool = True) -> dict[str, Any] | None:
    """The dashboard kept under ``key``; with ``fresh``, only if kept less than CACHE_SECONDS ago."""
    with _dashboards_lock:
        kept = _dashboards.get(key)
    if kept and (not fresh or time.monotonic() - kept[0] < CACHE_SECONDS):
        return kept[1]
    return None


def keep_dashboards(shown: dict[DashboardKey, dict[str, Any]]) -> None:
    """Keep dashboards by key, forgetting those kept CACHE_SECONDS ago or more."""
    with _dashboards_lock:
        now = time.monotonic()
        for old in [k for k, (at, _) in _dashboards.items() if now - at >= CACHE_SECONDS]:
            del _dashboards[old]
        _dashboards.update({key: (now, found) for key, found in shown.items()})


def dashboard(
    store: Store, today: date, months: int = 12, segment: str | None = None, reporting_currency: str = "USD"
) -> dict[str, Any]:
    """The dashboard of the last ``months`` whole months before ``today`` (see the module), kept per
    :class:`DashboardKey`. A segment's dashboard is computed with every segment's, and all are kept;
    ``segment`` is matched in any letter case, and one no account is in is empty without any computation."""
    if segment is not None:
        named = segment_named(store, segment)
        if named is None:  # nothing is computed (nor kept) for a segment no account is in
            return empty_dashboard(today, months, reporting_currency)
        segment = named
    key = dashboard_key(store, today, months, segment, reporting_currency)
    kept = kept_dashboard(key)
    if kept is not None:
        return kept
    if segment is None:
        shown = {key: dashboard_figures(store, today, months, None, reporting_currency)}
    else:
        shown = {key._replace(segment=name): found
                 for name, found in segment_dashboards(store, today, months, reporting_currency).items()}
        shown.setdefault(key, empty_dashboard(today, months, reporting_currency))
    keep_dashboards(shown)
    return shown[key]


def segment_dashboards(
    store: Store, today: date, months: int, reporting_currency: str
) -> dict[str, dict[str, Any]]:
    """The dashboard of every segment, from one computation of each metric by segment."""
    every = dashboard_figures(store, today, months, "segment", reporting_currency)
    names = {row["segment"] for name in (*_TABLES, "cohort_rows") for row in every[name]}
    return {name: _one_segment(every, name) for name in names if name is not None}


def _one_segment(every: dict[str, Any], segment: str) -> dict[str, Any]:
    shown = {key: value for key, value in every.items() if key not in (*_TABLES, "cohort_rows")}
    for name in _TABLES:
        shown[name] = [row for row in every[name] if row["segment"] == segment]
    shown["cohorts"] = cohort_heatmap([row for row in every["cohort_rows"] if row["segment"] == segment])
    return shown


def empty_dashboard(today: date, months: int, reporting_currency: str) -> dict[str, Any]:
    """The dashboard of a segment no account is in: every table empty."""
    start, end = _months(today, months)
    return {"start": start, "end": end, "currency": reporting_currency, "movement_names": MOVEMENTS,
            **{name: [] for name in _TABLES}, "cohorts": cohort_heatmap([])}


def _months(today: date, months: int) -> tuple[date, date]:
    """First day and last day of the last ``months`` whole months before ``today``."""
    end = today.replace(day=1) - timedelta(days=1)
    first = end.year * 12 + end.month - 1 - (months - 1)  # months since year 0, of the first month
    return date(first // 12, first % 12 + 1, 1), end


def dashboard_figures(
    store: Store, today: date, months: int, by: str | None, reporting_currency: str
) -> dict[str, Any]:
    """The dashboard's figures, for all accounts or (``by="segment"``) per segment, rows in period order;
    by segment, the cohort rows are kept as ``cohort_rows`` for :func:`_one_segment`."""
    start, end = _months(today, months)
    money = {"reporting_currency": reporting_currency}
    metrics = {"churn": ("customer_churn", {}), "revenue": ("revenue_retention", money),
               "movements": ("mrr_movements", money), "nps": ("nps", {}), "csat": ("csat", {}), "ces": ("ces", {})}
    shown: dict[str, Any] = {"start": start, "end": end, "currency": reporting_currency, "movement_names": MOVEMENTS}
    for name, (metric, extra) in metrics.items():
        rows = compute(store, metric, start=start, end=end, by=by, **extra).to_pylist()
        shown[name] = sorted(rows, key=lambda row: row["period_start"])
    rows = compute(store, "cohort_retention", start=start, end=end, by=by, **money).to_pylist()  # by cohort, age
    if by:
        shown["cohort_rows"] = rows
    else:
        shown["cohorts"] = cohort_heatmap(rows)
    return shown


def by_period(shown: dict[str, Any], *names: str) -> list[dict[str, Any]]:
    """One row per month found in any of the tables ``names`` of a dashboard, in month order: ``period_start``
    and, for each name, that table's row of the month ({} when the table has no row for it): tables joined
    by month, never by position."""
    months = sorted({row["period_start"] for name in names for row in shown[name]})
    rows = {name: {row["period_start"]: row for row in shown[name]} for name in names}
    return [{"period_start": month, **{name: rows[name].get(month, {}) for name in names}} for month in months]


def cohort_heatmap(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Logo retention by start-month cohort (rows) and months since start (columns), for a heatmap:
    cells are [column, row, retention] with retention in 0..1."""
    cohorts = sorted({row["cohort_start"] for row in rows})
    ages = sorted({row["age"] for row in rows})
    where = {cohort: i for i, cohort in enumerate(cohorts)}
    return {
        "cohorts": [str(cohort) for cohort in cohorts],
        "ages": ages,
        "cells": [[row["age"], where[row["cohort_start"]], row["logo_retention"]] for row in rows],
        "table": {cohort: {row["age"]: row["logo_retention"] for row in rows if row["cohort_start"] == cohort}
                  for cohort in cohorts},
    }


# The headline figures at the top of the dashboard: key, table, column, unit, whether a rise is good.
KPIS: tuple[tuple[str, str, str, str, bool], ...] = (
    ("customers", "churn", "customers_end", "count", True),
    ("mrr", "movements", "closing_mrr", "money", True),
    ("churn_rate", "churn", "churn_rate", "share", False),
    ("grr", "revenue", "grr", "share", True),
    ("nrr", "revenue", "nrr", "share", True),
    ("nps", "nps", "nps", "score", True),
    ("csat", "csat", "csat_pct", "percent", True),
    ("ces", "ces", "ces_mean", "mean", True),
)


def headline_kpis(shown: dict[str, Any]) -> list[dict[str, Any]]:
    """Each of KPIS in the last month shown against the month before: value, previous, change = value -
    previous (None when either is missing; a share's change is in points of 1), better (None when unchanged)."""
    month = shown["end"].replace(day=1)
    before = (month - timedelta(days=1)).replace(day=1)
    found = []
    for key, table, column, unit, rise_is_good in KPIS:
        rows = {row["period_start"]: row for row in shown[table]}
        value, previous = rows.get(month, {}).get(column), rows.get(before, {}).get(column)
        change = None if value is None or previous is None else value - previous
        better = None if not change else (change > 0) == rise_is_good
        found.append({"key": key, "unit": unit, "value": value, "previous": previous, "change": change,
                      "better": better, "month": month, "before": before})
    return found


def waterfall(row: dict[str, Any]) -> dict[str, Any]:
    """A month's MRR waterfall: keys (opening_mrr, each movement, closing_mrr), values, signs (0 = a total,
    1 = a rise, -1 = a fall, shown as stored, positive) and the value axis' floor (nabd.report.charts)."""
    falls = ("contraction", "churned")
    keys = ["opening_mrr", *MOVEMENTS, "closing_mrr"]
    signs = [0, *(-1 if name in falls else 1 for name in MOVEMENTS), 0]
    values = [float(row[key] or 0) for key in keys]
    changes = [value * sign for value, sign in zip(values[1:-1], signs[1:-1], strict=True)]
    return {"keys": keys, "values": values, "signs": signs,
            "floor": waterfall_floor(values[0], changes, values[-1])}
