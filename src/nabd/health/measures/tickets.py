"""Measures over support tickets: how many, their trend, their CSAT."""

from __future__ import annotations

import ibis
from ibis import _

from nabd.health.scorecard import MeasureParams
from nabd.store import Store
from nabd.store.window import Window


def _tickets_opened(store: Store, since: ibis.TimestampValue, until: ibis.TimestampValue) -> ibis.Table:
    tickets = store.table("tickets")
    return tickets.filter((tickets.opened_at >= since) & (tickets.opened_at < until))


def ticket_frequency(store: Store, window: Window, params: MeasureParams) -> ibis.Table:
    """tickets opened in the window (0 without any)."""
    opened = _tickets_opened(store, window.start, window.end)
    return opened.group_by("account_id").aggregate(value=_.count())


def ticket_trend(store: Store, window: Window, params: MeasureParams) -> ibis.Table:
    """tickets opened in the window - tickets opened in the window before it."""
    opened = _tickets_opened(store, window.previous_start, window.end)
    current = opened.opened_at >= window.start
    return opened.group_by("account_id").aggregate(
        value=ibis.ifelse(current, 1, -1).sum()
    )


def ticket_csat(store: Store, window: Window, params: MeasureParams) -> ibis.Table:
    """mean CSAT (1-5) of tickets closed in the window; a ticket closed after as_of has no CSAT yet."""
    tickets = store.table("tickets")
    closed = tickets.filter(
        (tickets.closed_at >= window.start) & (tickets.closed_at < window.end) & tickets.csat.notnull()
    )
    return closed.group_by("account_id").aggregate(value=closed.csat.cast("float64").mean())
