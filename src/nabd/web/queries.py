"""Every read and write of the web app and the API, and the one place that calls other packages.

Pages and API routes call only these functions. Scores, breakdowns and "what would move it" come
from ``nabd.health`` (the stored ``health_scores`` rows, :func:`nabd.health.explain.explain`, the
scorecard's bands and actions); money and churn from ``nabd.metrics``.

Speed (issue 6: p95 < 200 ms at 100,000 accounts): per-request reads are prepared SQL strings
with ``?`` parameters, never Ibis expressions compiled per request. The portfolio's rows (score of
the newest run, trend, MRR in the reporting currency, next renewal) are computed by the store's
engine once per (database, day, currency, data generation) and kept in the process in an
in-memory DuckDB table; each request sorts, filters, paginates and counts bands there.
The dashboard's figures cover whole past months, so they are kept per (database, day, months,
segment, currency, data generation), and the server computes the default ones ahead
(``nabd.web.warm``). Both are kept at most ``CACHE_SECONDS``, so a write that bypasses the data
generation (none does today) shows within minutes. One account's rows are read through
``account_id`` indexes (migration 0007) and Ibis expressions compiled once (``Store.account_rows``).
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import duckdb
import ibis
import pyarrow as pa
from fastapi import HTTPException

from nabd.errors import NabdError
from nabd.health import versions
from nabd.health.backtest import Backtest, backtest_dates, run_backtest
from nabd.health.explain import Explanation, explain, render_explanation, rounded_points
from nabd.health.scorecard import Scorecard, parse_scorecard
from nabd.metrics.active import account_mrr
from nabd.metrics.churn import customer_churn
from nabd.metrics.cohorts import cohort_retention
from nabd.metrics.mrr import MOVEMENTS, mrr_movements
from nabd.metrics.revenue import revenue_retention
from nabd.metrics.voice import ces, csat, nps
from nabd.playbooks.onboarding import load_onboarding, onboarding_progress
from nabd.store import CANONICAL_TABLES, Store, connect
from nabd.store.clock import utc_now
from nabd.web.users import User

SORTS = ("score", "mrr", "renewal", "name", "trend")
PORTFOLIO_COLUMNS = (
    "account_id", "name", "segment", "plan", "csm", "country", "score", "band", "trend", "as_of",
    "renewal_date", "mrr", "onboarding",
)
CACHE_SECONDS = 300  # the longest a kept portfolio or dashboard is shown


@dataclass(frozen=True)
class PortfolioFilter:
    """What the portfolio shows: band (id or colour), segment, CSM, name search, trend, sort order."""

    band: str | None = None
    segment: str | None = None
    csm: str | None = None
    search: str | None = None
    trend: str | None = None  # up | down | flat
    sort: str = "score"
    descending: bool = False
    limit: int = 50
    offset: int = 0


@dataclass
class Portfolio:
    accounts: list[dict[str, Any]]
    total: int
    bands: list[dict[str, Any]] = field(default_factory=list)  # band, accounts, mrr (all filters but band)
    band_table: dict[str, dict[str, Any]] = field(default_factory=dict)  # bands of the scorecard that scored them


BAND_CLASSES = frozenset({"red", "yellow", "green", "blue"})  # colours app.css styles as .band-<colour>
_band_tables: dict[str, dict[str, dict[str, Any]]] = {}  # scorecard version -> its band table


def bands_of(card: Scorecard) -> dict[str, dict[str, Any]]:
    """Band id -> {id, name, range, colour, colour_name, action, css, style} of ``card``: a colour app.css
    knows is its class ``band-<colour>``; any other is ``band-custom`` with the colour as ``--band``."""
    return {
        band.id: {**band.model_dump(),
                  "css": f"band-{band.colour}" if band.colour in BAND_CLASSES else "band-custom",
                  "style": None if band.colour in BAND_CLASSES else f"--band: {band.colour}"}
        for band in card.bands
    }


def band_table(store: Store, version: str | None = None) -> dict[str, dict[str, Any]]:
    """The bands of scorecard ``version`` (see :func:`bands_of`); of the active scorecard when ``version``
    is None or not held by this database. Kept per version: a version names its content, so it never changes."""
    if version and version not in _band_tables:
        card = versions.scorecard_of_version(store, version)
        if card is not None:
            _band_tables[version] = bands_of(card)
    if version in _band_tables:
        return _band_tables[version]
    active = versions.active_version(store)
    if active not in _band_tables:
        _band_tables[active] = bands_of(versions.active_scorecard(store))
    return _band_tables[active]


def _band_ids(wanted: str, bands: dict[str, dict[str, Any]]) -> list[str]:
    """Band ids matching ``wanted``, given as a band id or a colour name (red, yellow, green)."""
    return [b["id"] for b in bands.values() if wanted in (b["id"], b["colour"])] or [wanted]


def _records_of(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


# --- scores and the portfolio -------------------------------------------------------------

def latest_run(store: Store) -> tuple[str, date, date | None] | None:
    """(scorecard version, as_of, previous as_of of that version) of the newest scoring run, or None."""
    newest = store.fetchall(
        "SELECT scorecard_version, as_of FROM health_scores ORDER BY as_of DESC, computed_at DESC LIMIT 1"
    )
    if not newest:
        return None
    version, as_of = newest[0]
    previous = store.scalar(
        "SELECT max(as_of) FROM health_scores WHERE scorecard_version = ? AND as_of < ?", [version, as_of]
    )
    return version, as_of, previous


def _next_renewals(store: Store, today: date) -> ibis.Table:
    """(account_id, renewal_date): the earliest renewal on or after ``today`` of an active period."""
    periods = store.table("subscriptions")
    open_periods = periods.filter(
        (periods.start_date <= today) & (periods.end_date.isnull() | (periods.end_date > today))
        & (periods.renewal_date >= today)
    )
    return open_periods.group_by("account_id").aggregate(renewal_date=open_periods.renewal_date.min())


_money_sql: dict[tuple[str, date, str], tuple[str, str]] = {}


def _money_sql_of(store: Store, today: date, reporting_currency: str) -> tuple[str, str]:
    """The SQL of account_mrr and of the next renewals on ``today``, compiled by Ibis once per
    (database, day, currency) and kept for the life of the process."""
    key = (str(store.url), today, reporting_currency)
    if key not in _money_sql:
        _money_sql[key] = (
            store.ibis.compile(account_mrr(store, today, reporting_currency)),
            store.ibis.compile(_next_renewals(store, today)),
        )
    return _money_sql[key]


def _portfolio_sql(store: Store, today: date, reporting_currency: str) -> tuple[str, list[Any]]:
    """The ``portfolio`` CTE: one row per matched account with its score of the newest run, trend
    (score - its score at the run before), MRR in the reporting currency, next renewal and onboarding
    progress (milestones met / milestones of its plan, from ``nabd run``'s onboarding refresh)."""
    mrr_sql, renewal_sql = _money_sql_of(store, today, reporting_currency)
    onboarding_sql = store.ibis.compile(onboarding_progress(store, load_onboarding(), today))
    run = latest_run(store)
    version, as_of, previous = run if run else (None, None, None)
    sql = f"""
WITH mrr AS ({mrr_sql}),
renewals AS ({renewal_sql}),
onboarding AS ({onboarding_sql}),
scored AS (SELECT account_id, score, band, as_of FROM health_scores WHERE scorecard_version = ? AND as_of = ?),
earlier AS (SELECT account_id, score FROM health_scores WHERE scorecard_version = ? AND as_of = ?),
portfolio AS (
  SELECT a.account_id, a.name, a.segment, a.plan, a.csm, a.country, s.score, s.band,
         s.score - e.score AS trend, s.as_of, r.renewal_date, coalesce(m.mrr, 0) AS mrr,
         o.progress AS onboarding
  FROM accounts a
  LEFT JOIN scored s ON s.account_id = a.account_id
  LEFT JOIN earlier e ON e.account_id = a.account_id
  LEFT JOIN mrr m ON m.account_id = a.account_id
  LEFT JOIN renewals r ON r.account_id = a.account_id
  LEFT JOIN onboarding o ON o.account_id = a.account_id
  WHERE a.status <> 'unmatched'
)"""
    return sql, [version, as_of, version, previous]


def _where(wanted: PortfolioFilter, ids: list[str] | None = None) -> tuple[str, list[Any]]:
    """The WHERE clause of the portfolio filters (of the band only when its ``ids`` are given), and its parameters."""
    clauses: list[str] = []
    params: list[Any] = []
    if ids:
        clauses.append(f"band IN ({', '.join('?' for _ in ids)})")
        params.extend(ids)
    for column, value in (("segment", wanted.segment), ("csm", wanted.csm)):
        if value:
            clauses.append(f"{column} = ?")
            params.append(value)
    if wanted.search:
        clauses.append("strpos(lower(name), ?) > 0")
        params.append(wanted.search.lower())
    trend = {"up": "trend > 0", "down": "trend < 0", "flat": "trend = 0"}.get(wanted.trend or "")
    if trend:
        clauses.append(trend)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


_portfolio_engine = duckdb.connect()  # in memory: holds the kept portfolio rows as table ``portfolio``
_portfolio_kept: dict[str, Any] = {"key": None, "at": 0.0, "version": None}
_portfolio_lock = threading.Lock()


def data_generation(store: Store) -> tuple[Any, ...]:
    """What changes when data arrives: imports (count, newest end), the newest score computed, accounts,
    the newest intake drain (events, contacts and account traits) and survey responses (the survey form)."""
    return tuple(store.fetchall(
        "SELECT (SELECT count(*) FROM imports), (SELECT max(finished_at) FROM imports), "
        "(SELECT max(computed_at) FROM health_scores), (SELECT count(*) FROM accounts), "
        "(SELECT max(drained_at) FROM intake_journals), (SELECT count(*) FROM survey_responses)"
    )[0])


def _portfolio_rows(store: Store, today: date, reporting_currency: str) -> tuple[pa.Table, str | None]:
    """Every portfolio row (see :func:`_portfolio_sql`), computed by the store's engine, and the
    scorecard version of their scores (None before any scoring)."""
    base, params = _portfolio_sql(store, today, reporting_currency)
    sql = f"{base} SELECT {', '.join(PORTFOLIO_COLUMNS)} FROM portfolio"
    if store.kind == "duckdb":
        return store.raw.execute(sql, params).fetch_arrow_table(), params[0]
    found = store.records(sql, params)
    return pa.table({column: [row[column] for row in found] for column in PORTFOLIO_COLUMNS}), params[0]


def _kept_portfolio(store: Store, today: date, reporting_currency: str) -> None:
    """Make the in-memory ``portfolio`` table hold this store's rows, rebuilt when (database, day,
    currency, data generation) changes or after CACHE_SECONDS. The caller holds _portfolio_lock."""
    key = (str(store.url), today, reporting_currency, data_generation(store))
    if _portfolio_kept["key"] != key or time.monotonic() - _portfolio_kept["at"] >= CACHE_SECONDS:
        rows, version = _portfolio_rows(store, today, reporting_currency)
        _portfolio_engine.register("computed", rows)
        _portfolio_engine.execute("CREATE OR REPLACE TABLE portfolio AS SELECT * FROM computed")
        _portfolio_engine.unregister("computed")
        _portfolio_kept.update(key=key, at=time.monotonic(), version=version)


def portfolio(
    store: Store, wanted: PortfolioFilter, today: date, reporting_currency: str = "USD"
) -> Portfolio:
    """One page of accounts with their latest score, band, trend, MRR and next renewal, plus per-band counts and MRR,
    and the band table of the scorecard version that scored them (the band filter takes its ids or colours).

    Sorted, filtered and paginated by the in-memory engine over the kept rows (missing values sort
    last); band counts and MRR in one grouped query, whose counts also give the total.
    """
    if wanted.sort not in SORTS:
        raise NabdError(f"sort must be one of {', '.join(SORTS)}")
    key = {"renewal": "renewal_date"}.get(wanted.sort, wanted.sort)
    direction = "DESC" if wanted.descending else "ASC"
    summary_where, summary_params = _where(wanted)
    with _portfolio_lock:
        _kept_portfolio(store, today, reporting_currency)
        shown_bands = band_table(store, _portfolio_kept["version"])
        chosen = _band_ids(wanted.band, shown_bands) if wanted.band else None
        where, params = _where(wanted, chosen)
        page = _records_of(_portfolio_engine.execute(
            f"SELECT * FROM portfolio{where} ORDER BY {key} {direction} NULLS LAST, account_id LIMIT ? OFFSET ?",
            [*params, wanted.limit, wanted.offset],
        ))
        bands = _records_of(_portfolio_engine.execute(
            f"SELECT band, count(*) AS accounts, sum(mrr) AS mrr FROM portfolio{summary_where} GROUP BY band",
            summary_params,
        ))
    total = sum(row["accounts"] for row in bands if chosen is None or row["band"] in chosen)
    return Portfolio(accounts=page, total=total, bands=bands, band_table=shown_bands)


def filter_choices(store: Store) -> dict[str, list[str]]:
    """Distinct segments and CSMs, for the portfolio's filter menus."""
    return {
        column: [row[0] for row in store.fetchall(
            f"SELECT DISTINCT {column} FROM accounts WHERE {column} IS NOT NULL AND {column} <> '' ORDER BY 1"
        )]
        for column in ("segment", "csm")
    }


def account(store: Store, account_id: str) -> dict[str, Any] | None:
    """The accounts row of ``account_id``, or None."""
    rows = store.records("SELECT * FROM accounts WHERE account_id = ?", [account_id])
    return rows[0] if rows else None


def score_history(store: Store, account_id: str) -> list[dict[str, Any]]:
    """Every score of the account, oldest first: as_of, score, band, scorecard_version, coverage."""
    return store.records(
        "SELECT as_of, score, band, scorecard_version, coverage FROM health_scores WHERE account_id = ? "
        "ORDER BY as_of, computed_at",
        [account_id],
    )


scorecard_of_version = versions.scorecard_of_version


_explanations: OrderedDict[tuple, dict[str, Any]] = OrderedDict()
_explanations_lock = threading.Lock()
KEPT_EXPLANATIONS = 2000


def account_explanation(store: Store, account_id: str) -> dict[str, Any] | None:
    """Why the account has its latest score, from :func:`nabd.health.explain.explain` with the scorecard
    that scored it: contributions largest first, the next band, the moves that would reach it, the
    score's change over 7/30/90 days, the band's action (en/ar) and the explanation as text lines.

    None when the account has no score, or was scored by a scorecard this database does not hold.
    The newest KEPT_EXPLANATIONS are kept per (database, account, its newest score's version, as_of
    and computed_at): an explanation reads only the account's stored scores.
    """
    latest = store.fetchall(
        "SELECT scorecard_version, as_of, max(computed_at) OVER () FROM health_scores WHERE account_id = ? "
        "ORDER BY as_of DESC, computed_at DESC LIMIT 1", [account_id],
    )
    if not latest:
        return None
    version, as_of, computed_at = latest[0]
    key = (str(store.url), account_id, version, as_of, computed_at)
    with _explanations_lock:
        if key in _explanations:
            _explanations.move_to_end(key)
            return _explanations[key]
    card = scorecard_of_version(store, version)
    if card is None:
        return None
    found = _explanation_fields(explain(store, card, account_id, as_of), card)
    with _explanations_lock:
        _explanations[key] = found
        while len(_explanations) > KEPT_EXPLANATIONS:
            _explanations.popitem(last=False)
    return found


def _explanation_fields(found: Explanation, card: Scorecard) -> dict[str, Any]:
    names = {m.id: m.name.model_dump() for m in card.measures}
    units = {m.id: m.unit for m in card.measures}
    return {
        "account_id": found.account_id,
        "as_of": found.as_of,
        "scorecard": card.name,
        "scorecard_version": card.version,
        "score": found.score,
        "weighted_score": found.weighted_score,
        "band": found.band.id if found.band else None,
        "action": found.band.action.model_dump() if found.band else None,
        "coverage": found.coverage,
        "contributions": [
            {"measure": c.measure, "name": names[c.measure], "unit": units[c.measure], "raw": c.raw,
             "score": c.score, "weight": c.weight, "points": c.points}
            for c in found.contributions
        ],
        "next_band": found.next_band.id if found.next_band else None,
        "points_needed": found.points_needed,
        "moves": [
            {"measure": m.measure, "name": names[m.measure], "unit": units[m.measure], "text": m.text,
             "raw": m.raw, "target": m.target, "reach": m.reach, "points": m.points,
             "shown_points": rounded_points(m.points), "enough": m.enough}
            for m in found.moves
        ],
        "changes": {str(days): change for days, change in found.changes.items()},
        "text": render_explanation(found, card),
    }


def account_records(store: Store, account_id: str, limit: int = 20) -> dict[str, list[dict[str, Any]]]:
    """The account's latest tickets, invoices, survey responses (with their sentiment and themes), referrals
    and tasks, newest first."""
    newest_first = {
        "tickets": "opened_at", "invoices": "issued_at", "survey_responses": "responded_at",
        "referrals": "referred_at", "tasks": "created_at",
    }
    records = {
        table_name: store.records(
            f"SELECT * FROM {table_name} WHERE account_id = ? ORDER BY {column} DESC LIMIT ?",
            [account_id, limit],
        )
        for table_name, column in newest_first.items() if table_name != "survey_responses"
    }
    records["survey_responses"] = [
        {**row, "themes": json.loads(row["themes"]) if isinstance(row["themes"], str) else row["themes"] or []}
        for row in store.records(
            "SELECT r.*, f.sentiment, f.themes FROM survey_responses r LEFT JOIN feedback_analysis f"
            " ON f.source = 'survey_response' AND f.source_id = r.response_id"
            " WHERE r.account_id = ? ORDER BY r.responded_at DESC LIMIT ?",
            [account_id, limit],
        )
    ]
    return records


def account_onboarding(store: Store, account_id: str, today: date) -> dict[str, Any] | None:
    """The account's onboarding: completed, milestones, progress (completed / milestones), last_completed_on;
    None when its plan has no milestones."""
    found = store.account_rows(
        ("onboarding_progress", today), lambda: onboarding_progress(store, load_onboarding(), today), account_id
    )
    return found[0] if found else None


def usage_trend(store: Store, account_id: str, today: date, weeks: int = 26) -> list[dict[str, Any]]:
    """Weekly events and value (e.g. minutes) of the account from activity_daily, last ``weeks`` weeks:
    events = sum(events), value = sum(value_sum) per ISO week (Monday)."""
    # The account's rows first (DuckDB looks up its account_id index only for a scan with that one filter).
    return store.records(
        "WITH account_days AS MATERIALIZED (SELECT day, events, value_sum FROM activity_daily WHERE account_id = ?) "
        "SELECT CAST(date_trunc('week', day) AS DATE) AS week, sum(events) AS events, sum(value_sum) AS value "
        "FROM account_days WHERE day > ? AND day <= ? GROUP BY 1 ORDER BY 1",
        [account_id, today - timedelta(weeks=weeks), today],
    )


_dashboards: dict[tuple, tuple[float, dict[str, Any]]] = {}
_dashboards_lock = threading.Lock()


def dashboard_key(
    store: Store, today: date, months: int = 12, segment: str | None = None, reporting_currency: str = "USD"
) -> tuple:
    """What a dashboard depends on: database, day, months, segment, currency and the data generation."""
    return (str(store.url), today, months, segment, reporting_currency, data_generation(store))


def kept_dashboard(key: tuple, *, fresh: bool = True) -> dict[str, Any] | None:
    """The dashboard kept under ``key``; with ``fresh``, only if kept less than CACHE_SECONDS ago."""
    with _dashboards_lock:
        kept = _dashboards.get(key)
    if kept and (not fresh or time.monotonic() - kept[0] < CACHE_SECONDS):
        return kept[1]
    return None


def keep_dashboards(shown: dict[tuple, dict[str, Any]]) -> None:
    """Keep dashboards by key, forgetting those kept CACHE_SECONDS ago or more."""
    with _dashboards_lock:
        now = time.monotonic()
        for old in [k for k, (at, _) in _dashboards.items() if now - at >= CACHE_SECONDS]:
            del _dashboards[old]
        _dashboards.update({key: (now, found) for key, found in shown.items()})


def dashboard(
    store: Store, today: date, months: int = 12, segment: str | None = None, reporting_currency: str = "USD"
) -> dict[str, Any]:
    """The last ``months`` whole months, for one segment or all: customer churn, GRR/NRR, MRR movements,
    cohort logo retention, NPS/CSAT/CES.

    Every figure comes from nabd.metrics (customer_churn, revenue_retention, mrr_movements, cohort_retention,
    nps, csat, ces).
    Whole past months change only when data arrives, so a result is kept per :func:`dashboard_key` for at
    most CACHE_SECONDS (the server also computes them ahead, see nabd.web.warm). A segment's dashboard is
    computed with every segment's, and all are kept.
    """
    key = dashboard_key(store, today, months, segment, reporting_currency)
    kept = kept_dashboard(key)
    if kept is not None:
        return kept
    if segment is None:
        shown = {key: dashboard_figures(store, today, months, None, reporting_currency)}
    else:
        shown = {key[:3] + (name,) + key[4:]: found
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


_TABLES = ("churn", "revenue", "movements", "nps", "csat", "ces")


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
    tables = {
        "churn": customer_churn(store, start=start, end=end, by=by),
        "revenue": revenue_retention(store, start=start, end=end, by=by, **money),
        "movements": mrr_movements(store, start=start, end=end, by=by, **money),
        "nps": nps(store, start=start, end=end, by=by),
        "csat": csat(store, start=start, end=end, by=by),
        "ces": ces(store, start=start, end=end, by=by),
    }
    shown: dict[str, Any] = {"start": start, "end": end, "currency": reporting_currency, "movement_names": MOVEMENTS}
    for name, table in tables.items():
        shown[name] = table.order_by("period_start").to_pyarrow().to_pylist()
    cohorts = cohort_retention(store, start=start, end=end, by=by, **money)
    rows = cohorts.order_by("cohort_start", "age").to_pyarrow().to_pylist()
    if by:
        shown["cohort_rows"] = rows
    else:
        shown["cohorts"] = cohort_heatmap(rows)
    return shown


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


def data_overview(store: Store, limit: int = 50) -> dict[str, Any]:
    """Latest imports, latest quarantined rows with their reasons, and row counts of the canonical tables."""
    imports = store.table("imports").order_by(ibis.desc("finished_at")).limit(limit)
    quarantine = store.table("quarantine").order_by(ibis.desc("received_at")).limit(limit)
    counts = {name: store.scalar(f"SELECT count(*) FROM {name}") for name in CANONICAL_TABLES}
    return {
        "imports": imports.to_pyarrow().to_pylist(),
        "quarantine": quarantine.to_pyarrow().to_pylist(),
        "counts": counts,
        "unmatched": store.scalar("SELECT count(*) FROM accounts WHERE status = 'unmatched'"),
    }


# --- scorecards ---------------------------------------------------------------------------

def scorecards(store: Store) -> list[dict[str, Any]]:
    """Each scorecard by name: its newest saved YAML (or the shipped default), version, who saved it,
    whether that version is ``active``, and ``active_version`` when the active one has this name."""
    active = versions.active_version(store)
    default = versions.shipped_scorecard()
    shipped: dict[str, dict[str, Any]] = {
        default.name: {"name": default.name, "version": default.version, "saved_by": None,
                       "saved_at": None, "yaml": versions.shipped_yaml()}
    }
    saved = store.table("scorecard_versions")
    order = ibis.window(group_by="name", order_by=ibis.desc("saved_at"))
    newest = saved.mutate(rank=ibis.row_number().over(order))
    for row in newest.filter(newest["rank"] == 0).drop("rank").to_pyarrow().to_pylist():
        shipped[row["name"]] = row
    active_name = next((row["name"] for row in versions.versions(store) if row["active"]), None)
    return sorted(
        ({**card, "active": card["version"] == active, "active_version": active if card["name"] == active_name else None}
         for card in shipped.values()),
        key=lambda card: card["name"],
    )


def scorecard(store: Store, name: str, version: str | None = None) -> dict[str, Any] | None:
    """The scorecard ``name`` at ``version`` (default: its newest YAML), with every version of that name."""
    card = next((card for card in scorecards(store) if card["name"] == name), None)
    if card is None:
        return None
    history = [row for row in versions.versions(store) if row["name"] == name]
    if version and version != card["version"]:
        row = next((row for row in history if row["version"] == version), None)
        if row is None:
            return None
        card = {**row, "yaml": versions.yaml_of(store, version)}
    return {**card, "versions": history}


def validate_scorecard(text: str, name: str) -> tuple[Scorecard | None, list[str]]:
    """The validated scorecard, or the list of ``file:line: field: message`` problems."""
    try:
        return parse_scorecard(text, f"{name}.yaml"), []
    except NabdError as error:
        return None, str(error).split("; ")


def save_scorecard(store: Store, text: str, name: str, user: User) -> tuple[Scorecard | None, list[str]]:
    """Validate and store a new version of a scorecard; nothing is stored when it has problems."""
    card, problems = validate_scorecard(text, name)
    if card is None:
        return None, problems
    return versions.save_version(store, text, user.login, name), []


BACKTEST_EVERY_DAYS, BACKTEST_HORIZON_DAYS = 28, 90  # the page's backtest: a year of as-of dates


def reading_store(store: Store) -> Store:
    """A second connection to the app's database, for a long read that must not hold the app's lock."""
    if store.kind == "duckdb":
        return Store(store.url, ibis.duckdb.from_connection(store.raw.cursor()))
    return connect(store.url)


def scorecard_backtest(store: Store, card: Scorecard) -> tuple[Backtest | None, dict[str, Any] | None]:
    """(backtest, None) of ``card`` over the year of as-of dates ending ``BACKTEST_HORIZON_DAYS`` before
    the data ends, every ``BACKTEST_EVERY_DAYS`` days (as `nabd score backtest --every 28`); or
    (None, problem) when the history has no data, no scored account or no churn to judge it by; the
    problem's ``kind`` is no_data, no_accounts or no_churn, with the figures the page shows."""
    try:
        dates = backtest_dates(store, None, None, BACKTEST_EVERY_DAYS, BACKTEST_HORIZON_DAYS)
    except NabdError:
        return None, {"kind": "no_data"}
    result = run_backtest(store, card, dates, BACKTEST_HORIZON_DAYS)
    figures = {"dates": len(dates), "first": dates[0], "last": dates[-1], "horizon": BACKTEST_HORIZON_DAYS,
               "pairs": result.accounts, "churned": result.churned}
    if result.accounts == 0:
        return None, {"kind": "no_accounts", **figures}
    if result.auc is None:
        return None, {"kind": "no_churn", **figures}
    return result, None


def active_scorecard(store: Store) -> dict[str, Any]:
    """The active scorecard's name, version and YAML."""
    card = versions.active_scorecard(store)
    return {"name": card.name, "version": card.version, "yaml": versions.yaml_of(store, card.version)}


def activate_scorecard(store: Store, version: str, user: User) -> Scorecard:
    """Make ``version`` the active scorecard (the one `nabd score` and the daily run use)."""
    return versions.activate(store, version, user.login)


# --- tasks --------------------------------------------------------------------------------

def tasks(
    store: Store, *, account_id: str | None = None, owner: str | None = None, status: str | None = None,
    limit: int = 50, offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """Tasks matching the filters, soonest due first, and how many match."""
    table = store.table("tasks")
    for column, wanted in (("account_id", account_id), ("owner", owner), ("status", status)):
        if wanted:
            table = table.filter(table[column] == wanted)
    page = table.order_by([ibis.asc("due_at"), "task_id"]).limit(limit, offset=offset)
    return page.to_pyarrow().to_pylist(), int(table.count().to_pyarrow().as_py())


def task(store: Store, task_id: str) -> dict[str, Any] | None:
    rows = store.table("tasks").filter(lambda t: t.task_id == task_id).to_pyarrow().to_pylist()
    return rows[0] if rows else None


def may_write_account(store: Store, user: User, account_id: str) -> bool:
    """Admins write every account; a CSM writes the accounts whose csm is their login; viewers none."""
    if user.role == "admin":
        return True
    if user.role != "csm":
        return False
    return store.scalar("SELECT csm FROM accounts WHERE account_id = ?", [account_id]) == user.login


def may_write_task(store: Store, user: User, task_row: dict[str, Any]) -> bool:
    """A task is writable by admins, its owner, and the CSM of its account."""
    if user.role == "csm" and task_row.get("owner") == user.login:
        return True
    return may_write_account(store, user, task_row["account_id"])


def writable_task(store: Store, user: User, task_id: str) -> dict[str, Any]:
    """The task ``task_id`` if ``user`` may change it; 404 when it does not exist, 403 when not theirs."""
    found = task(store, task_id)
    if found is None:
        raise HTTPException(404, f"there is no task {task_id}")
    if not may_write_task(store, user, found):
        raise HTTPException(403, "only the task's owner, the account's CSM or an admin can change it")
    return found


def add_task(
    store: Store, account_id: str, title: str, owner: str, due_at: date | None, playbook: str | None = None
) -> str:
    """Create an open task on the account; returns its id."""
    if not title.strip():
        raise NabdError("a task needs a title")
    if account(store, account_id) is None:
        raise NabdError(f"there is no account {account_id!r}")
    task_id = f"task-{uuid.uuid4().hex[:16]}"
    store.execute(
        "INSERT INTO tasks (task_id, account_id, playbook, title, owner, due_at, status, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, 'open', ?)",
        [task_id, account_id, playbook, title.strip(), owner, due_at, utc_now()],
    )
    return task_id
