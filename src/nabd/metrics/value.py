"""What a customer is worth and costs: ARPA, customer lifetime value, CAC, LTV:CAC, months to recover CAC."""

from __future__ import annotations

from datetime import date

import ibis

from nabd.metrics.active import first_subscription_start
from nabd.metrics.breakdown import check_breakdown, every_period, side_by_side, with_groups
from nabd.metrics.currency import convert_on
from nabd.metrics.mrr import MONEY, account_movements
from nabd.metrics.periods import MONTHS_PER_PERIOD, dated, periods
from nabd.metrics.ratios import note, ratio
from nabd.store.sql import float_literal
from nabd.store import Store

DEFAULT_GROSS_MARGIN = 0.8


def _keys(by: str | None) -> list[str]:
    return ["period_start"] + ([by] if by else [])


def lifetime_value(
    store: Store, *, period: str = "month", start: date, end: date, by: str | None = None,
    reporting_currency: str = "USD", gross_margin: float = DEFAULT_GROSS_MARGIN,
) -> ibis.Table:
    """arpa = MRR at period start / customers at start; clv = arpa x months per period x gross_margin / churn_rate
    (churn_rate = customers lost / customers at start; null when no customer churned)."""
    check_breakdown(by)
    bounds = periods(period, start, end)
    accounts = with_groups(store, account_movements(store, bounds, reporting_currency), by)
    accounts = accounts.filter(accounts.at_start)
    stats = accounts.group_by(_keys(by)).aggregate(
        customers_start=accounts.count(),
        customers_lost=(~accounts.at_end).sum(),
        starting_mrr=accounts.opening.sum().cast(MONEY),
    )
    zero = ibis.literal(0, "int64")
    table = every_period(
        bounds, stats, by, {"customers_start": zero, "customers_lost": zero, "starting_mrr": ibis.literal(0, MONEY)}
    )
    arpa = ratio(table.starting_mrr, table.customers_start)
    churn = ratio(table.customers_lost, table.customers_start)
    return table.mutate(
        arpa=arpa,
        churn_rate=churn,
        gross_margin=float_literal(gross_margin),
        clv=arpa * MONTHS_PER_PERIOD[period] * gross_margin / churn.nullif(0.0),
        note=note(
            (table.customers_start == 0, "no customers at period start"),
            (table.customers_lost == 0, "no churn observed in the period"),
        ),
    )


def acquisition_cost(
    store: Store, *, period: str = "month", start: date, end: date, by: str | None = None,
    reporting_currency: str = "USD", gross_margin: float = DEFAULT_GROSS_MARGIN,
) -> ibis.Table:
    """cac = acquisition spend in the period / new customers (first subscription started in it);
    ltv_cac = clv / cac; months_to_recover_cac = cac / (arpa x gross_margin)."""
    check_breakdown(by, ("segment",))
    bounds = periods(period, start, end)
    costs = store.table("acquisition_costs").rename(spent_from="period_start")
    costs = dated(costs, costs.spent_from, bounds, period)
    costs = convert_on(store, costs.mutate(rate_day=costs.period_start), "amount", reporting_currency)
    spend = costs.group_by(_keys(by)).aggregate(acquisition_spend=costs.amount.sum().cast(MONEY))
    first = first_subscription_start(store)
    acquired = with_groups(store, dated(first, first.first_start, bounds, period), by)
    acquired = acquired.group_by(_keys(by)).aggregate(new_customers=acquired.count())
    value = lifetime_value(
        store, period=period, start=start, end=end, by=by,
        reporting_currency=reporting_currency, gross_margin=gross_margin,
    ).select(*_keys(by), "arpa", "clv")
    stats = side_by_side(_keys(by), spend, acquired)
    table = every_period(
        bounds, stats, by, {"acquisition_spend": ibis.literal(0, MONEY), "new_customers": ibis.literal(0, "int64")}
    )
    table = table.left_join(value, _keys(by)).drop(*[f"{k}_right" for k in _keys(by)])
    cac = ratio(table.acquisition_spend, table.new_customers)
    return table.mutate(
        cac=cac,
        ltv_cac=table.clv / cac.nullif(0.0),
        months_to_recover_cac=cac / (table.arpa * gross_margin).nullif(0.0),
        note=note(
            (table.new_customers == 0, "no new customers in the period"),
            (table.clv.isnull(), "no lifetime value: no churn observed or no customers at period start"),
            (table.acquisition_spend == 0, "no acquisition spend recorded for the period"),
        ),
    ).order_by(_keys(by))
