"""MRR movements per period (new, expansion, contraction, churned, reactivation, FX effect) and the waterfall.

Within a period every amount converts at the rates in force on its first day, so
opening + new + reactivation + expansion - contraction - churned = closing at the period's rates,
exactly; ``fx_effect`` restates the closing MRR at the next period's rates, so ``closing_mrr`` of a
period is the ``opening_mrr`` of the next one.
"""

from __future__ import annotations

from datetime import date

import ibis

from nabd.metrics.active import first_subscription_start, subscriptions_at_edges
from nabd.metrics.breakdown import check_breakdown, every_period, with_groups
from nabd.metrics.currency import with_rates
from nabd.metrics.periods import periods
from nabd.store import Store

MONEY = "decimal(18, 4)"
MOVEMENTS = ("new", "reactivation", "expansion", "contraction", "churned", "fx_effect")


def account_movements(
    store: Store, bounds: ibis.Table, reporting_currency: str = "USD"
) -> ibis.Table:
    """Per period and account active on its first day or the next period's: opening, closing, closing_fx and the movements.

    opening = MRR on period_start, closing = MRR on next_start (both at period_start's rates),
    closing_fx = MRR on next_start at next_start's rates; returning = a customer before period_start.
    One row per subscription period and period it touches (active on either edge), with both rates.
    """
    touching = subscriptions_at_edges(store, bounds)
    edges = bounds.select(rate_day=bounds.period_start).union(bounds.select(rate_day=bounds.next_start))
    rate_days = {"rate": ("period_start", None), "rate_next": ("next_start", "at_end")}
    rated = with_rates(store, touching, edges, rate_days, reporting_currency)
    zero = ibis.literal(0, MONEY)
    at_rate = (rated.mrr * rated.rate).cast(MONEY)  # each period converted and rounded to 4 places, then summed
    at_next_rate = (rated.mrr * rated.rate_next).cast(MONEY)
    accounts = rated.group_by("period_start", "account_id").aggregate(
        at_start=rated.at_start.any(),
        at_end=rated.at_end.any(),
        opening=at_rate.sum(where=rated.at_start).fill_null(zero).cast(MONEY),
        closing=at_rate.sum(where=rated.at_end).fill_null(zero).cast(MONEY),
        closing_fx=at_next_rate.sum(where=rated.at_end).fill_null(zero).cast(MONEY),
    )
    first = first_subscription_start(store)
    accounts = accounts.join(first, "account_id")
    stayed = accounts.at_start & accounts.at_end
    arrived = ~accounts.at_start & accounts.at_end
    returning = accounts.first_start < accounts.period_start
    change = accounts.closing - accounts.opening
    return accounts.mutate(
        new=ibis.ifelse(arrived & ~returning, accounts.closing, zero),
        reactivation=ibis.ifelse(arrived & returning, accounts.closing, zero),
        expansion=ibis.ifelse(stayed & (change > 0), change, zero).cast(MONEY),
        contraction=ibis.ifelse(stayed & (change < 0), -change, zero).cast(MONEY),
        churned=ibis.ifelse(accounts.at_start & ~accounts.at_end, accounts.opening, zero),
        fx_effect=(accounts.closing_fx - accounts.closing).cast(MONEY),
    ).drop("first_start")


def mrr_movements(
    store: Store, *, period: str = "month", start: date, end: date, by: str | None = None,
    reporting_currency: str = "USD",
) -> ibis.Table:
    """Waterfall per period: closing_mrr = opening_mrr + new + reactivation + expansion - contraction - churned + fx_effect.

    New: not a customer on the first day, one on the next period's, never one before; reactivation:
    the same but a customer before. Expansion/contraction: MRR change of customers on both days.
    """
    check_breakdown(by)
    bounds = periods(period, start, end)
    accounts = with_groups(store, account_movements(store, bounds, reporting_currency), by)
    keys = ["period_start"] + ([by] if by else [])
    sums = {name: accounts[name].sum().cast(MONEY) for name in ("opening", *MOVEMENTS, "closing_fx")}
    stats = accounts.group_by(keys).aggregate(**sums)
    zero = ibis.literal(0, MONEY)
    table = every_period(bounds, stats, by, {name: zero for name in sums})
    table = table.rename(opening_mrr="opening", closing_mrr="closing_fx")
    return table.select("period_start", "next_start", *([by] if by else []), "opening_mrr", *MOVEMENTS, "closing_mrr")
