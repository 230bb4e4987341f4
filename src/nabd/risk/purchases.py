"""Purchase histories from `invoices`, computed in the engine: the data of BG/NBD and Gamma-Gamma.

A purchase is a day with invoices of the account (issued_at <= as_of; amounts summed per day, converted
to the reporting currency at the rate in force on the issue day). Per account, in weeks:

    frequency = purchase days - 1,  recency = last day - first day,  T = as_of - first day,
    monetary_value = mean amount of the repeat purchase days (0 when frequency = 0)
"""

from __future__ import annotations

from datetime import date

import ibis

from nabd.metrics.active import customer_accounts
from nabd.metrics.currency import convert_on
from nabd.store import Store

DAYS_PER_UNIT = 7.0  # the models' time unit is the week, as in Fader, Hardie & Lee (2005)


def purchase_days(store: Store, as_of: date, reporting_currency: str = "USD") -> ibis.Table:
    """(account_id, day, amount): each day with invoices issued on or before ``as_of``, matched accounts only."""
    accounts = customer_accounts(store)
    invoices = store.table("invoices")
    invoices = invoices.filter((invoices.issued_at <= as_of) & invoices.account_id.isin(accounts.account_id))
    converted = convert_on(
        store, invoices.select("account_id", "currency", "amount", rate_day=invoices.issued_at.cast("date")),
        "amount", reporting_currency,
    )
    return converted.group_by("account_id", day=converted.rate_day).aggregate(amount=converted.amount.sum())


def purchase_history(store: Store, as_of: date, reporting_currency: str = "USD") -> ibis.Table:
    """Per account with a purchase: account_id, frequency, recency, T (weeks), monetary_value, first_day, last_day."""
    days = purchase_days(store, as_of, reporting_currency)
    first = days.group_by("account_id").aggregate(first_day=days.day.min())
    days = days.join(first, "account_id")
    repeat = days.day > days.first_day
    summary = days.group_by("account_id").aggregate(
        first_day=days.first_day.min(),
        last_day=days.day.max(),
        purchase_days=days.count(),
        repeat_amount=ibis.ifelse(repeat, days.amount, 0).sum().cast("float64"),
    )
    frequency = (summary.purchase_days - 1).cast("int64")
    as_of_day = ibis.literal(as_of, "date")
    return summary.select(
        "account_id", "first_day", "last_day",
        frequency=frequency,
        recency=summary.last_day.delta(summary.first_day, unit="day").cast("float64") / DAYS_PER_UNIT,
        T=as_of_day.delta(summary.first_day, unit="day").cast("float64") / DAYS_PER_UNIT,
        monetary_value=ibis.ifelse(frequency > 0, summary.repeat_amount / frequency.cast("float64"), 0.0),
    )


def purchase_outcomes(history: ibis.Table) -> ibis.Table:
    """BG/NBD's data with identical histories counted once: (frequency, recency, T, customers)."""
    return history.group_by("frequency", "recency", "T").aggregate(customers=history.count())
