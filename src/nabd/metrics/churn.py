"""Customer (logo) churn: who was a customer on a period's first day and is not on the next period's."""

from __future__ import annotations

from datetime import date

import ibis

from nabd.metrics.active import customers_at_edges
from nabd.metrics.breakdown import check_breakdown, every_period, with_groups
from nabd.metrics.periods import periods
from nabd.metrics.ratios import note, ratio
from nabd.store import Store


def customer_churn(
    store: Store, *, period: str = "month", start: date, end: date, by: str | None = None
) -> ibis.Table:
    """churn_rate = customers lost in the period / customers at its start; logo_retention = 1 - churn_rate.

    Lost = active on the period's first day and not on the next period's first day; customers
    acquired during the period are not in the denominator.
    """
    check_breakdown(by)
    bounds = periods(period, start, end)
    customers = with_groups(store, customers_at_edges(store, bounds), by)
    keys = ["period_start"] + ([by] if by else [])
    stats = customers.group_by(keys).aggregate(
        customers_start=customers.at_start.sum(),
        customers_lost=(customers.at_start & ~customers.at_end).sum(),
        customers_end=customers.at_end.sum(),
    )
    zero = ibis.literal(0, "int64")
    table = every_period(
        bounds, stats, by, {"customers_start": zero, "customers_lost": zero, "customers_end": zero}
    )
    churn = ratio(table.customers_lost, table.customers_start)
    return table.mutate(
        churn_rate=churn,
        logo_retention=1.0 - churn,
        note=note((table.customers_start == 0, "no customers at period start")),
    )
