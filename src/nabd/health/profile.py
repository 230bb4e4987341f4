"""What the store holds and what it can support (`nabd profile`): tables and rows with their date ranges,
event types with counts, accounts first and last seen, the share of events with a contact id, subscription
cadence and churn observed per month, and, for the active scorecard, each measure's coverage (share of
active accounts with a value at the latest as-of), distribution (min / median / max), constant or dead
measures, and what would feed the missing ones. Every figure is computed in the engine; Python only
assembles the small results. The model is fight-churn's metric QA (coverage and distribution per metric).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

import ibis

from nabd.health.backtest import data_end
from nabd.health.coverage import feed_of
from nabd.health.measures import measure_values
from nabd.health.scorecard import Scorecard, resolved_measures
from nabd.metrics.churn import customer_churn
from nabd.store import Store

# table -> the date or timestamp column whose range the profile shows
TABLE_DATES = {
    "accounts": "created_at", "contacts": None, "subscriptions": "start_date", "events": "ts",
    "tickets": "opened_at", "invoices": "issued_at", "survey_responses": "responded_at",
    "referrals": "referred_at", "relationship_ratings": "rated_at",
}
# days from a period's start to its renewal -> cadence
CADENCES = (("weekly", 6, 8), ("monthly", 28, 31), ("quarterly", 89, 92), ("annual", 364, 366))
WEAK_COVERAGE = 0.5  # a measure with a value for fewer active accounts than this is a missing signal


@dataclass(frozen=True)
class MeasureProfile:
    measure: str
    type: str
    coverage: float | None  # share of active accounts with a value
    minimum: float | None
    median: float | None
    maximum: float | None
    status: str  # ok, constant (one value for all), dead (no value at all), weak (coverage below 50%)
    feed: str | None  # what would feed it, when it is not ok


@dataclass
class Profile:
    tables: list[dict[str, Any]]
    event_types: list[dict[str, Any]]
    events_with_contact: float | None
    accounts: dict[str, Any]
    cadence: dict[str, int]
    churn_per_month: list[dict[str, Any]]
    scorecard: str
    as_of: date | None
    measures: list[MeasureProfile] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        record = asdict(self)
        return _plain(record)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def _first(table: ibis.Table) -> dict[str, Any]:
    return table.to_pyarrow().to_pylist()[0]


def table_rows(store: Store) -> list[dict[str, Any]]:
    """Rows and the date range of each canonical table."""
    result = []
    for name, column in TABLE_DATES.items():
        span = f", min({column}), max({column})" if column else ", NULL, NULL"
        rows, first, last = store.fetchall(f"SELECT count(*){span} FROM {name}")[0]
        result.append({"table": name, "rows": rows, "first": first, "last": last})
    return result


def event_types(store: Store) -> tuple[list[dict[str, Any]], float | None]:
    """Per event type: events, accounts, first and last day (from activity_daily); and the share of events
    with a contact id."""
    daily = store.table("activity_daily")
    per_type = daily.group_by("event_type").aggregate(
        events=daily.events.sum(), accounts=daily.account_id.nunique(), first=daily.day.min(), last=daily.day.max(),
    ).order_by([ibis.desc("events"), "event_type"])
    share = _first(daily.aggregate(
        with_contact=ibis.ifelse(daily.contact_id != "", daily.events, 0).sum(), events=daily.events.sum(),
    ))
    total = share["events"] or 0
    return per_type.to_pyarrow().to_pylist(), (share["with_contact"] / total if total else None)


def account_span(store: Store) -> dict[str, Any]:
    """Accounts, those with events, and the first and last day any account was seen active."""
    # plain SQL: Ibis casts the min/max of an empty non-nullable column to non-nullable and fails on PostgreSQL
    with_events, first_seen, last_seen = store.fetchall(
        "SELECT count(DISTINCT account_id), min(day), max(day) FROM activity_daily")[0]
    return {"accounts": store.scalar("SELECT count(*) FROM accounts"), "with_events": with_events,
            "first_seen": first_seen, "last_seen": last_seen}


def cadence(store: Store) -> dict[str, int]:
    """Accounts by the cadence of their first subscription period (days from its start to its renewal)."""
    periods = store.table("subscriptions")
    first = periods.group_by("account_id").aggregate(start=periods.start_date.min())
    firsts = periods.join(first, (periods.account_id == first.account_id) & (periods.start_date == first.start))
    gap = firsts.renewal_date.delta(firsts.start_date, unit="day")
    kind = ibis.cases(*[((gap >= low) & (gap <= high), name) for name, low, high in CADENCES],
                      else_=ibis.ifelse(gap.isnull(), "no renewal date", "other"))
    counted = firsts.group_by(cadence=kind).aggregate(accounts=firsts.account_id.nunique())
    return {row["cadence"]: row["accounts"] for row in counted.to_pyarrow().to_pylist()}


def churn_per_month(store: Store, end: date) -> list[dict[str, Any]]:
    """Customers at each month's start, lost in it, and the churn rate (nabd.metrics customer_churn)."""
    first = store.scalar("SELECT min(start_date) FROM subscriptions")
    if first is None:
        return []
    table = customer_churn(store, period="month", start=first, end=end)
    return table.select("period_start", "customers_start", "customers_lost", "churn_rate").order_by(
        "period_start").to_pyarrow().to_pylist()


def measure_profiles(store: Store, scorecard: Scorecard, as_of: date) -> list[MeasureProfile]:
    """Coverage and distribution of each measure over the accounts active on ``as_of``, in one pass."""
    values = measure_values(store, resolved_measures(scorecard), as_of)
    figures: dict[str, ibis.Value] = {"accounts": values.count()}
    for m in scorecard.measures:
        column = values[f"r__{m.id}"]
        figures |= {f"n__{m.id}": column.count(), f"min__{m.id}": column.min(),
                    f"med__{m.id}": column.approx_median(), f"max__{m.id}": column.max()}
    row = _first(values.aggregate(**figures))
    accounts = row["accounts"]
    result = []
    for m in scorecard.measures:
        n, low, high = row[f"n__{m.id}"], row[f"min__{m.id}"], row[f"max__{m.id}"]
        coverage = n / accounts if accounts else None
        if not n:
            status = "dead"
        elif accounts > 1 and low == high:
            status = "constant"
        elif coverage is not None and coverage < WEAK_COVERAGE:
            status = "weak"
        else:
            status = "ok"
        result.append(MeasureProfile(m.id, m.type, coverage, low, row[f"med__{m.id}"], high, status,
                                     None if status == "ok" else feed_of(scorecard, m.id)))
    return result


def profile(store: Store, scorecard: Scorecard, as_of: date | None = None) -> Profile:
    """The whole profile; measures as of ``as_of`` (default: the last day with data)."""
    types, share = event_types(store)
    span = account_span(store)
    has_data = store.scalar("SELECT count(*) FROM subscriptions") or store.scalar("SELECT count(*) FROM activity_daily")
    day = as_of or (data_end(store) if has_data else None)
    return Profile(
        tables=table_rows(store), event_types=types, events_with_contact=share, accounts=span,
        cadence=cadence(store), churn_per_month=churn_per_month(store, day) if day else [],
        scorecard=f"{scorecard.name} ({scorecard.version})", as_of=day,
        measures=measure_profiles(store, scorecard, day) if day else [],
    )
