"""Tiny hand-built histories for the metrics tests: literal rows inserted with SQL."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from nabd.ingest.activity import record_event_types


def given(store, **rows):
    """Insert literal rows: given(store, accounts=[(...), ...], subscriptions=[...])."""
    for table, values in rows.items():
        for row in values:
            marks = ", ".join("?" for _ in row)
            store.execute(f"INSERT INTO {table} VALUES ({marks})", list(row))
    if "activity_daily" in rows:  # as ingest does with each batch of events
        record_event_types(store, "SELECT event_type, day FROM activity_daily")


def sub(sid, account, mrr, start, end=None, currency="USD", quantity=1):
    """One subscription period: (id, account, product, mrr, currency, quantity, start, end, renewal)."""
    return (sid, account, "core", Decimal(str(mrr)), currency, quantity, start, end, None)


def acct(account_id, status="active", segment="SMB", plan="basic", country="SA", csm="csm.a"):
    """One account row of the canonical table."""
    return (account_id, account_id, segment, plan, csm, country, "ar", None, status)


def response(rid, account, kind, score, day, touchpoint="relationship"):
    """One survey response on ``day`` (noon UTC)."""
    return (rid, account, None, kind, score, None, "en", touchpoint, datetime.combine(day, datetime.min.time()).replace(hour=12))


def ticket(tid, account, opened, first_response=None, closed=None, csat=None):
    """One ticket: (id, account, opened_at, first_response_at, closed_at, priority, category, csat, subject, body)."""
    return (tid, account, opened, first_response, closed, "normal", "how-to", csat, "subject", "body")


def activity(account, contact, day, event_type, events=1, value_sum=0.0):
    """One activity_daily row."""
    return (account, contact, day, event_type, events, float(value_sum))


def rows(table, *columns):
    """The rows of an Ibis table as dicts, optionally only ``columns``."""
    result = table.to_pyarrow().to_pylist()
    return [{c: r[c] for c in columns} for r in result] if columns else result


JAN, FEB, MAR, APR = date(2024, 1, 1), date(2024, 2, 1), date(2024, 3, 1), date(2024, 4, 1)
