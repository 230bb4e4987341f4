"""Renewal histories from `subscriptions`, computed in the engine: the data of the sBG model (nabd.risk.sbg).

An account's lifetime runs from its first subscription start to the end of its last period (churned when
no period is open on ``as_of``; a gap between periods is not a churn). Its cadence is ``year`` when its renewal
term (nabd.metrics.active.renewal_terms, over the periods started by ``as_of``) is 12 months or more, else
``month``. Periods paid:

    active:  renewals = full periods from first start to as_of            -> log S(renewals)
    churned: periods  = full periods from first start to the end, a started one counted -> log P(T = periods)
"""

from __future__ import annotations

from datetime import date

import ibis

from nabd.metrics.active import account_mrr, customer_subscriptions, months_between, renewal_terms
from nabd.metrics.breakdown import account_groups
from nabd.store import Store

MONTHS_PER_CADENCE = {"month": 1, "year": 12}


def renewal_history(store: Store, as_of: date, by: str | None = None) -> ibis.Table:
    """Per customer account that started on or before ``as_of``: account_id, group, cadence, first_start,
    churned, periods (churned: periods paid, >= 1; active: renewals made, >= 0).

    ``by`` (segment, plan, country, csm or cohort, named YYYY-MM) names the group; without it every account is in
    group 'all'.
    """
    periods = customer_subscriptions(store)
    periods = periods.filter(periods.start_date <= as_of)
    accounts = periods.group_by("account_id").aggregate(
        first_start=periods.start_date.min(),
        open_on=(periods.end_date.isnull() | (periods.end_date > as_of)).any(),
        last_end=periods.end_date.max(),
    )
    terms = renewal_terms(store, started_by=as_of)
    accounts = accounts.left_join(terms, "account_id").select(
        *accounts.columns, yearly=terms.term_months.fill_null(0) >= 12)
    cadence = ibis.ifelse(accounts.yearly, "year", "month")
    step = ibis.ifelse(accounts.yearly, 12, 1)
    end = ibis.ifelse(accounts.open_on, ibis.literal(as_of, "date"), accounts.last_end)
    months = months_between(accounts.first_start, end)
    full = (months // step).cast("int64")
    on_boundary = (months % step == 0) & (end.day() == accounts.first_start.day())
    paid = ibis.greatest(full + ibis.ifelse(on_boundary, 0, 1), 1)
    history = accounts.select(
        "account_id", "first_start", cadence=cadence, churned=~accounts.open_on,
        periods=ibis.ifelse(accounts.open_on, full, paid).cast("int64"),
    )
    if by is None:
        return history.mutate(group=ibis.literal("all", "string"))
    groups = account_groups(store, by)
    joined = history.join(groups, "account_id")
    group = joined[by].strftime("%Y-%m") if by == "cohort" else joined[by].cast("string")
    return joined.mutate(group=group).drop(by)


def renewal_outcomes(history: ibis.Table) -> ibis.Table:
    """The sBG model's data per group and cadence: (group, cadence, periods, churned, accounts)."""
    return history.group_by("group", "cadence", "periods", "churned").aggregate(accounts=history.count())


def survivors(history: ibis.Table) -> ibis.Table:
    """Per group, cadence and t: survivors = accounts known alive after t renewals (churned with periods > t,
    or active with renewals >= t), the survivor counts of Fader & Hardie (2007) for one cohort."""
    ages = history.select("group", "cadence", t="periods").distinct()
    ages = ages.union(history.select("group", "cadence", t=ibis.literal(0, "int64")), distinct=True)
    joined = ages.join(history, ["group", "cadence"])
    alive = ibis.ifelse(joined.churned, joined.periods > joined.t, joined.periods >= joined.t)
    return (
        joined.group_by("group", "cadence", "t")
        .aggregate(survivors=ibis.ifelse(alive, 1, 0).sum().cast("int64"))
        .order_by("group", "cadence", "t")
    )


def active_accounts_value(store: Store, as_of: date, by: str | None, reporting_currency: str) -> ibis.Table:
    """Active accounts' history with value_per_period = MRR on ``as_of`` x months per period (reporting currency)."""
    history = renewal_history(store, as_of, by)
    active = history.filter(~history.churned)
    mrr = account_mrr(store, as_of, reporting_currency)
    joined = active.join(mrr, "account_id")
    months = ibis.ifelse(joined.cadence == "year", 12, 1)
    return joined.select(
        "account_id", "group", "cadence", "first_start", renewals=joined.periods,
        mrr=joined.mrr.cast("float64"), value_per_period=joined.mrr.cast("float64") * months,
    )
