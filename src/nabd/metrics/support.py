"""Support load and speed: tickets per account, first response and handle times, backlog, ticket CSAT.

A ticket belongs to the period containing the day it was opened (volume, first response) or
closed (handle time, CSAT); the backlog is the tickets open at the end of the period. Days are
local days in the company's timezone.
"""

from __future__ import annotations

from datetime import date

import ibis

from nabd.metrics.active import customers_at_edges
from nabd.metrics.breakdown import check_breakdown, every_period, side_by_side, with_groups
from nabd.metrics.periods import dated_at, periods
from nabd.metrics.ratios import note, ratio
from nabd.store import Store
from nabd.store.calendar import local_day


def _hours(since: ibis.TimestampValue, until: ibis.TimestampValue) -> ibis.FloatingValue:
    return (until.epoch_seconds() - since.epoch_seconds()).cast("float64") / 3600.0


def _keys(by: str | None) -> list[str]:
    return ["period_start"] + ([by] if by else [])


def ticket_volume(
    store: Store, *, period: str = "month", start: date, end: date, by: str | None = None
) -> ibis.Table:
    """tickets_per_account = tickets opened in the period / customers at its start; backlog = tickets open at its end."""
    check_breakdown(by)
    bounds = periods(period, start, end)
    tickets = store.table("tickets")
    opened = with_groups(store, dated_at(tickets, tickets.opened_at, bounds, period), by)
    opened = opened.group_by(_keys(by)).aggregate(tickets_opened=opened.count())
    open_at_end = tickets.join(
        bounds,
        (local_day(tickets.opened_at) < bounds.next_start)
        & (tickets.closed_at.isnull() | (local_day(tickets.closed_at) >= bounds.next_start)),
    )
    open_at_end = with_groups(store, open_at_end, by)
    backlog = open_at_end.group_by(_keys(by)).aggregate(backlog=open_at_end.count())
    customers = customers_at_edges(store, bounds)
    customers = with_groups(store, customers.filter(customers.at_start), by)
    customers = customers.group_by(_keys(by)).aggregate(customers_start=customers.count())
    stats = side_by_side(_keys(by), customers, opened, backlog)
    zero = ibis.literal(0, "int64")
    table = every_period(bounds, stats, by, {"customers_start": zero, "tickets_opened": zero, "backlog": zero})
    return table.mutate(
        tickets_per_account=ratio(table.tickets_opened, table.customers_start),
        note=note((table.customers_start == 0, "no customers at period start")),
    )


def ticket_times(
    store: Store, *, period: str = "month", start: date, end: date, by: str | None = None
) -> ibis.Table:
    """first_response_hours = mean(first_response_at - opened_at) of tickets opened in the period;
    handle_hours = mean(closed_at - opened_at) of tickets closed in it; medians alongside."""
    check_breakdown(by)
    bounds = periods(period, start, end)
    tickets = store.table("tickets")
    opened = dated_at(tickets, tickets.opened_at, bounds, period)
    opened = with_groups(store, opened.filter(opened.first_response_at.notnull()), by)
    opened = opened.mutate(hours=_hours(opened.opened_at, opened.first_response_at))
    responses = opened.group_by(_keys(by)).aggregate(
        responded=opened.count(), first_response_hours=opened.hours.mean(),
        first_response_median_hours=opened.hours.median(),
    )
    closed = tickets.filter(tickets.closed_at.notnull())
    closed = with_groups(store, dated_at(closed, closed.closed_at, bounds, period), by)
    closed = closed.mutate(hours=_hours(closed.opened_at, closed.closed_at))
    handled = closed.group_by(_keys(by)).aggregate(
        closed=closed.count(), handle_hours=closed.hours.mean(), handle_median_hours=closed.hours.median()
    )
    stats = side_by_side(_keys(by), responses, handled)
    zero = ibis.literal(0, "int64")
    table = every_period(bounds, stats, by, {"responded": zero, "closed": zero})
    return table.mutate(
        note=note(
            ((table.responded == 0) & (table.closed == 0), "no tickets responded to or closed in the period"),
            (table.responded == 0, "no tickets responded to in the period"),
            (table.closed == 0, "no tickets closed in the period"),
        )
    )


def ticket_csat(
    store: Store, *, period: str = "month", start: date, end: date, by: str | None = None
) -> ibis.Table:
    """ticket_csat_pct = 100 x rated tickets closed in the period with csat 4-5 / rated tickets; ticket_csat_mean = mean csat."""
    check_breakdown(by)
    bounds = periods(period, start, end)
    tickets = store.table("tickets")
    rated = tickets.filter(tickets.closed_at.notnull() & tickets.csat.notnull())
    rated = with_groups(store, dated_at(rated, rated.closed_at, bounds, period), by)
    stats = rated.group_by(_keys(by)).aggregate(
        rated=rated.count(), satisfied=(rated.csat >= 4).sum(), csat_sum=rated.csat.cast("float64").sum()
    )
    zero = ibis.literal(0, "int64")
    table = every_period(bounds, stats, by, {"rated": zero, "satisfied": zero})
    return table.select(
        "period_start", "next_start", *([by] if by else []), "rated", "satisfied",
        ticket_csat_pct=100.0 * ratio(table.satisfied, table.rated),
        ticket_csat_mean=ratio(table.csat_sum, table.rated),
        note=note((table.rated == 0, "no rated tickets closed in the period")),
    )
