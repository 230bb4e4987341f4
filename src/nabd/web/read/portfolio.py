"""The portfolio page's read model (and ``/api/v1/accounts``): one page of accounts with their latest
score, band, trend, MRR and next renewal, with band counts and MRR.

Speed (issue 6: p95 < 200 ms at 100,000 accounts): the portfolio's rows (score of the newest run,
or the manual override in force with the computed score beside it, trend, MRR in the reporting currency, next renewal, onboarding) are computed by the store's engine
once per :class:`PortfolioKey` and kept in the process in an in-memory DuckDB table; each request
filters (with the one portfolio filter, :func:`nabd.health.portfolio.filter_accounts`), sorts,
paginates and counts bands there. Kept at most ``CACHE_SECONDS``. The SQL of a filter and sort order
is compiled by Ibis once and kept (``KEPT_QUERIES``): a request then only runs it.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, NamedTuple

import ibis
import pyarrow as pa

from nabd.errors import NabdError
from nabd.health.overrides import overrides_in_force
from nabd.health.portfolio import WARNING_DAYS, PortfolioFilter, band_ids, filter_accounts
from nabd.health.scorecard import Scorecard
from nabd.metrics.active import account_mrr, churned_by, renewing_mrr
from nabd.risk.churn_storage import latest_risk_sql
from nabd.playbooks.onboarding import load_onboarding, onboarding_progress
from nabd.store import Store
from nabd.store.compiled import kept_per_day
from nabd.store.per_day import as_of_parameter, sentinel_sql
from nabd.web.read.bands import bands_of, scorecard_shown
from nabd.web.read.generation import CACHE_SECONDS, data_generation

SORTS = ("score", "mrr", "renewal", "name", "trend", "risk")
PORTFOLIO_COLUMNS = (
    "account_id", "name", "segment", "plan", "csm", "country", "score", "band", "trend", "as_of",
    "renewal_date", "mrr", "onboarding", "risk", "churned", "computed_score", "overridden", "renewal_mrr",
    "tier", "indicators",
)


@dataclass(frozen=True)
class PortfolioPage:
    """Which page of the portfolio: the accounts ``wanted`` keeps, in ``sort`` order, ``limit`` from ``offset``."""

    wanted: PortfolioFilter = field(default_factory=PortfolioFilter)
    sort: str = "score"  # one of SORTS
    descending: bool = False
    limit: int = 50
    offset: int = 0


@dataclass
class Portfolio:
    accounts: list[dict[str, Any]]
    total: int
    bands: list[dict[str, Any]] = field(default_factory=list)  # band, accounts, mrr (all filters but band)
    band_table: dict[str, dict[str, Any]] = field(default_factory=dict)  # bands of the scorecard that scored them


class PortfolioKey(NamedTuple):
    """What the kept portfolio rows depend on."""

    database: str
    today: date
    currency: str
    generation: tuple[Any, ...]


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


_PORTFOLIO = """
WITH mrr AS ({mrr}),
renewals AS ({renewals}),
onboarding AS ({onboarding}),
risk AS ({risk}),
churned AS ({churned}),
overrides AS ({overrides}),
scored AS (SELECT account_id, score, band, as_of FROM health_scores WHERE scorecard_version = ? AND as_of = ?),
earlier AS (SELECT account_id, score FROM health_scores WHERE scorecard_version = ? AND as_of = ?),
warnings AS (SELECT account_id, ' ' || string_agg(DISTINCT indicator, ' ') || ' ' AS indicators FROM indicator_firings
             WHERE as_of > ? AND as_of <= ? GROUP BY account_id),
portfolio AS (
  SELECT a.account_id, a.name, a.segment, a.plan, a.csm, a.country,
         coalesce(v.score, s.score) AS score, coalesce(v.band, s.band) AS band,
         s.score - e.score AS trend, s.as_of, r.renewal_date, coalesce(m.mrr, 0) AS mrr,
         o.progress AS onboarding, k.probability AS risk,
         ch.account_id IS NOT NULL AS churned,
         s.score AS computed_score, v.account_id IS NOT NULL AS overridden, r.renewal_mrr, lt.tier,
         coalesce(w.indicators, '') AS indicators
  FROM accounts a
  LEFT JOIN scored s ON s.account_id = a.account_id
  LEFT JOIN earlier e ON e.account_id = a.account_id
  LEFT JOIN mrr m ON m.account_id = a.account_id
  LEFT JOIN renewals r ON r.account_id = a.account_id
  LEFT JOIN onboarding o ON o.account_id = a.account_id
  LEFT JOIN risk k ON k.account_id = a.account_id
  LEFT JOIN churned ch ON ch.account_id = a.account_id
  LEFT JOIN overrides v ON v.account_id = a.account_id
  LEFT JOIN account_tiers lt ON lt.account_id = a.account_id
  LEFT JOIN warnings w ON w.account_id = a.account_id
  WHERE a.status <> 'unmatched'
)"""


def _portfolio_sql(store: Store, today: date, reporting_currency: str) -> tuple[str, list[Any]]:
    """The ``portfolio`` CTE: one row per matched account with its score of the newest run, trend
    (score - its score at the run before), MRR in the reporting currency, next renewal and onboarding
    progress (milestones met / milestones of its plan, from ``nabd run``'s onboarding refresh), churn risk
    (the newest stored prediction, nabd.risk.churn_storage), loyalty tier (the daily run's, nabd.outreach.loyalty)
    churned (nabd.metrics.active.churned_by; left out unless asked for) and indicators (" id id ": the early-warning
    indicators that fired in the last WARNING_DAYS days, for the portfolio filter). Its SQL is compiled once per
    currency and onboarding milestones and kept (nabd.store.compiled): any day's, any database's of the engine."""
    onboarding = load_onboarding()

    def write() -> str:
        day = as_of_parameter()
        parts = {
            "mrr": account_mrr(store, day, reporting_currency),
            "renewals": renewing_mrr(store, day, reporting_currency),
            "onboarding": onboarding_progress(store, onboarding, day),
            "churned": churned_by(store, day),
            "overrides": overrides_in_force(store, day),
        }
        compiled = {name: sentinel_sql(store, expression, day) for name, expression in parts.items()}
        return _PORTFOLIO.format(**compiled, risk=latest_risk_sql())

    run = latest_run(store)
    version, as_of, previous = run if run else (None, None, None)
    sql = kept_per_day(store, f"portfolio {reporting_currency} {onboarding.model_dump_json()}", write)(today)
    return sql, [version, as_of, version, previous, today - timedelta(days=WARNING_DAYS), today]


def _portfolio_rows(store: Store, today: date, reporting_currency: str) -> tuple[pa.Table, str | None]:
    """Every portfolio row (see :func:`_portfolio_sql`), computed by the store's engine, and the
    scorecard version of their scores (None before any scoring)."""
    base, params = _portfolio_sql(store, today, reporting_currency)
    sql = f"{base} SELECT {', '.join(PORTFOLIO_COLUMNS)} FROM portfolio"
    if store.kind == "duckdb":
        return store.raw.execute(sql, params).fetch_arrow_table(), params[0]
    found = store.records(sql, params)
    return pa.table({column: [row[column] for row in found] for column in PORTFOLIO_COLUMNS}), params[0]


_engine = ibis.duckdb.connect()  # in memory: holds the kept portfolio rows as table ``portfolio``
_kept: dict[str, Any] = {"key": None, "at": 0.0, "version": None}
_lock = threading.Lock()


def _kept_portfolio(store: Store, today: date, reporting_currency: str) -> ibis.Table:
    """The in-memory ``portfolio`` table holding this store's rows, rebuilt when its :class:`PortfolioKey`
    changes or after CACHE_SECONDS. The caller holds _lock."""
    key = PortfolioKey(str(store.url), today, reporting_currency, data_generation(store))
    if _kept["key"] != key or time.monotonic() - _kept["at"] >= CACHE_SECONDS:
        rows, version = _portfolio_rows(store, today, reporting_currency)
        _engine.con.register("computed", rows)
        _engine.con.execute("CREATE OR REPLACE TABLE portfolio AS SELECT * FROM computed")
        _engine.con.unregister("computed")
        _kept.update(key=key, at=time.monotonic(), version=version)
        _counts.clear()
    return _engine.table("portfolio")


_counts: dict[str, list[dict[str, Any]]] = {}  # band counts SQL -> its rows over the kept rows (every page shares them)
_queries: OrderedDict[tuple, tuple[str, str]] = OrderedDict()
KEPT_QUERIES = 512


def _queries_of(rows: ibis.Table, shown: PortfolioPage, card: Scorecard) -> tuple[str, str]:
    """(page SQL ending in ``LIMIT ? OFFSET ?``, band counts SQL) of ``shown`` over the kept rows,
    compiled once per (filter, sort, scorecard version). The caller holds _lock."""
    key = (shown.wanted, shown.sort, shown.descending, card.version)
    if key not in _queries:
        column = {"renewal": "renewal_date"}.get(shown.sort, shown.sort)
        order = ibis.desc(column, nulls_first=False) if shown.descending else ibis.asc(column, nulls_first=False)
        kept = filter_accounts(rows, shown.wanted, card.bands).order_by([order, "account_id"])
        every_band = filter_accounts(rows, shown.wanted, card.bands, by_band=False)
        counts = every_band.group_by("band").aggregate(accounts=every_band.count(), mrr=every_band.mrr.sum())
        _queries[key] = (f"{_engine.compile(kept)} LIMIT ? OFFSET ?", _engine.compile(counts))
        while len(_queries) > KEPT_QUERIES:
            _queries.popitem(last=False)
    return _queries[key]


def _records(sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    cursor = _engine.con.execute(sql, params) if params else _engine.con.execute(sql)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def portfolio(
    store: Store, shown: PortfolioPage, today: date, reporting_currency: str = "USD"
) -> Portfolio:
    """One page of accounts with their latest score, band, trend, MRR and next renewal, plus per-band counts
    and MRR (every filter but the band's), and the band table of the scorecard version that scored them.

    Missing values sort last; the band counts also give the total.
    """
    if shown.sort not in SORTS:
        raise NabdError(f"sort must be one of {', '.join(SORTS)}")
    wanted = shown.wanted
    with _lock:
        rows = _kept_portfolio(store, today, reporting_currency)
        card: Scorecard = scorecard_shown(store, _kept["version"])
        page_sql, bands_sql = _queries_of(rows, shown, card)
        accounts = _records(page_sql, [shown.limit, shown.offset])
        if bands_sql not in _counts:
            if len(_counts) >= KEPT_QUERIES:
                _counts.clear()
            _counts[bands_sql] = _records(bands_sql)
        bands = [dict(row) for row in _counts[bands_sql]]
    chosen = band_ids(card.bands, wanted.band) if wanted.band else None
    total = sum(row["accounts"] for row in bands if chosen is None or row["band"] in chosen)
    return Portfolio(accounts=accounts, total=total, bands=bands, band_table=bands_of(card))


def portfolio_row(store: Store, account_id: str, today: date, reporting_currency: str = "USD") -> dict[str, Any] | None:
    """The account's kept portfolio row (PORTFOLIO_COLUMNS: score of the newest run or its override, trend,
    MRR, next renewal and the MRR renewing then...), or None for an account the portfolio leaves out."""
    with _lock:
        _kept_portfolio(store, today, reporting_currency)
        found = _records("SELECT * FROM portfolio WHERE account_id = ?", [account_id])
    return found[0] if found else None


def filter_choices(store: Store) -> dict[str, list[str]]:
    """Distinct segments and CSMs, for the portfolio's and the dashboard's filter menus."""
    return {
        column: [row[0] for row in store.fetchall(
            f"SELECT DISTINCT {column} FROM accounts WHERE {column} IS NOT NULL AND {column} <> '' ORDER BY 1"
        )]
        for column in ("segment", "csm")
    }
