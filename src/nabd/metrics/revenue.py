"""Revenue churn and retention (GRR, NRR) over the customers active on a period's first day."""

from __future__ import annotations

from datetime import date

import ibis

from nabd.metrics.breakdown import check_breakdown, every_period, with_groups
from nabd.metrics.mrr import MONEY, account_movements
from nabd.metrics.periods import periods
from nabd.metrics.ratios import note, ratio
from nabd.store import Store


def _starting_customers(store: Store, period: str, start: date, end: date, by: str | None, reporting_currency: str) -> ibis.Table:
    """Per period [and group]: MRR movements of the customers active on its first day only."""
    check_breakdown(by)
    bounds = periods(period, start, end)
    accounts = with_groups(store, account_movements(store, bounds, reporting_currency), by)
    accounts = accounts.filter(accounts.at_start)
    keys = ["period_start"] + ([by] if by else [])
    columns = ("opening", "closing", "expansion", "contraction", "churned")
    stats = accounts.group_by(keys).aggregate(**{name: accounts[name].sum().cast(MONEY) for name in columns})
    zero = ibis.literal(0, MONEY)
    table = every_period(bounds, stats, by, {name: zero for name in columns})
    return table.rename(starting_mrr="opening", ending_mrr="closing")


def revenue_churn(
    store: Store, *, period: str = "month", start: date, end: date, by: str | None = None,
    reporting_currency: str = "USD",
) -> ibis.Table:
    """revenue_churn_rate = (starting_mrr - ending_mrr) / starting_mrr over the customers at period start (negative = growth)."""
    table = _starting_customers(store, period, start, end, by, reporting_currency)
    return table.select(
        "period_start", "next_start", *([by] if by else []), "starting_mrr", "ending_mrr",
        revenue_churn_rate=ratio(table.starting_mrr - table.ending_mrr, table.starting_mrr),
        note=note((table.starting_mrr == 0, "no MRR at period start")),
    )


def revenue_retention(
    store: Store, *, period: str = "month", start: date, end: date, by: str | None = None,
    reporting_currency: str = "USD",
) -> ibis.Table:
    """gross_revenue_churn = (churned + contraction) / start; net = (churned + contraction - expansion) / start;
    grr = 1 - gross; nrr = (start + expansion - contraction - churned) / start; start = MRR of customers at period start.
    """
    table = _starting_customers(store, period, start, end, by, reporting_currency)
    lost = table.churned + table.contraction
    gross = ratio(lost, table.starting_mrr)
    return table.select(
        "period_start", "next_start", *([by] if by else []), "starting_mrr", "expansion", "contraction", "churned",
        gross_revenue_churn=gross,
        net_revenue_churn=ratio(lost - table.expansion, table.starting_mrr),
        grr=1.0 - gross,
        nrr=ratio(table.starting_mrr + table.expansion - lost, table.starting_mrr),
        note=note((table.starting_mrr == 0, "no MRR at period start")),
    )
