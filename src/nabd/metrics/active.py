"""Who is a customer on a day, and what they pay: the definitions every metric and score shares.

A subscription period is active on day d when ``start_date <= d < end_date`` (end exclusive, null =
open). An account is an active customer on d when at least one of its periods is active on d and
it is not ``unmatched``. Its MRR on d is the sum of its active periods' MRR in the reporting
currency, converted at the rate in force on ``rate_day`` (the period's first day, by default d).
"""

from __future__ import annotations

from datetime import date

import ibis

from nabd.metrics.currency import to_reporting_currency
from nabd.store import Store


def active_subscriptions(store: Store, day: date) -> ibis.Table:
    """Subscription periods active on ``day``: start_date <= day < coalesce(end_date, +inf)."""
    periods = store.table("subscriptions")
    return periods.filter(
        (periods.start_date <= day) & (periods.end_date.isnull() | (periods.end_date > day))
    )


def active_accounts(store: Store, day: date) -> ibis.Table:
    """One row (account_id) per account with an active subscription on ``day``, unmatched excluded."""
    accounts = store.table("accounts").filter(lambda a: a.status != "unmatched")
    active_ids = active_subscriptions(store, day).select("account_id").distinct()
    return active_ids.semi_join(accounts, "account_id")


def account_mrr(
    store: Store, day: date, reporting_currency: str = "USD", rate_day: date | None = None
) -> ibis.Table:
    """Per active account on ``day``: mrr = sum(period mrr x rate(currency, rate_day)), in reporting currency."""
    periods = to_reporting_currency(
        store, active_subscriptions(store, day), "mrr", reporting_currency, rate_day or day
    )
    return (
        periods.semi_join(active_accounts(store, day), "account_id")
        .group_by("account_id")
        .aggregate(mrr=lambda t: t.mrr.sum())
    )
