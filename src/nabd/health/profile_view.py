"""`nabd profile` as rich tables: one per part of the profile (nabd.health.profile)."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from nabd.health.profile import Profile


def _number(value: Any, digits: int = 2) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def render_profile(found: Profile) -> list[Table]:
    """Tables: the store's tables, event types, accounts and cadence, churn per month, the scorecard's measures."""
    tables = Table("table", "rows", "first", "last", title="what the database holds")
    for row in found.tables:
        tables.add_row(row["table"], _number(row["rows"]), _number(row["first"]), _number(row["last"]))
    events = Table("event type", "events", "accounts", "first day", "last day",
                   title=f"event types ({_share(found.events_with_contact)} of events carry a contact id)")
    for row in found.event_types:
        events.add_row(row["event_type"], _number(row["events"]), _number(row["accounts"]),
                       _number(row["first"]), _number(row["last"]))
    span = found.accounts
    accounts = Table("accounts", "with events", "first seen", "last seen", *(f"{k} plans" for k in found.cadence),
                     title="accounts and subscription cadence (first period: start to renewal)")
    accounts.add_row(_number(span["accounts"]), _number(span["with_events"]), _number(span["first_seen"]),
                     _number(span["last_seen"]), *(_number(n) for n in found.cadence.values()))
    churn = Table("month", "customers at start", "lost", "churn rate", title="churn observed per month")
    for row in found.churn_per_month:
        churn.add_row(_number(row["period_start"]), _number(row["customers_start"]), _number(row["customers_lost"]),
                      _share(row["churn_rate"]) if row["churn_rate"] is None else f"{row['churn_rate']:.1%}")
    measures = Table("measure", "coverage", "min", "median", "max", "status",
                     title=f"scorecard {found.scorecard}: measures over the accounts active on {found.as_of}")
    for m in found.measures:
        measures.add_row(m.measure, _share(m.coverage), _number(m.minimum), _number(m.median),
                         _number(m.maximum), m.status)
    return [tables, events, accounts, churn, measures]


def missing_signals(found: Profile) -> list[str]:
    """One line per measure that is dead, constant or weak: what would feed it."""
    return [f"  {m.measure} ({m.status}): {m.feed}" for m in found.measures if m.feed]
