"""Money in the reporting currency: one rate per currency per period, the rate in force on its first day.

``currency_rates(currency, valid_from, rate)`` holds units of the reporting currency for one unit
of ``currency``; the rate in force on day d is the row with the latest ``valid_from <= d``.
Amounts already in the reporting currency convert at exactly 1. A needed rate that does not
exist stops the query with an error naming the currency and the date (raised by the engine while the
query runs: nabd.store.refusal), never a silently dropped amount.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import ibis

from nabd.store import Store
from nabd.store.refusal import refuse


def rates_on(store: Store, days: ibis.Table, reporting_currency: str) -> ibis.Table:
    """(rate_day, currency, rate) in force on each ``days.rate_day``: latest valid_from <= rate_day; 1 for the reporting currency."""
    days = days.select("rate_day").distinct()
    stored = store.table("currency_rates")
    stored = stored.filter(stored.currency != reporting_currency)
    rates = stored.join(days, stored.valid_from <= days.rate_day).select(
        "rate_day", "currency", "valid_from", "rate"
    )
    latest = rates.group_by("rate_day", "currency").aggregate(valid_from=rates.valid_from.max())
    in_force = rates.semi_join(latest, ["rate_day", "currency", "valid_from"]).select(
        "rate_day", "currency", "rate"
    )
    unit = days.select(
        "rate_day",
        currency=ibis.literal(reporting_currency, "string"),
        rate=ibis.literal(1).cast(in_force.rate.type()),
    )
    return in_force.union(unit)


def _missing_rate(currency: ibis.StringValue, rate_day: ibis.Value, reporting_currency: str, to: Any) -> ibis.Value:
    """The engine-side refusal naming the currency and the day a rate is missing for (nabd.store.refusal)."""
    day = rate_day.cast("date").cast("string")
    message = (
        ibis.literal("no exchange rate from ") + currency + f" to {reporting_currency} in force on " + day
        + ": import a currency_rates row for " + currency + " with valid_from on or before " + day
    )
    return refuse(message, to)


def _rate_or_refuse(table: ibis.Table, rate: str, day: str, needed: ibis.BooleanValue, reporting_currency: str) -> ibis.Value:
    """``table[rate]``, or the refusal where it is null and ``needed`` (a needed rate that does not exist)."""
    missing = table[rate].isnull() & needed
    return ibis.ifelse(missing, _missing_rate(table.currency, table[day], reporting_currency, table[rate].type()), table[rate])


def convert_on(store: Store, table: ibis.Table, amount: str, reporting_currency: str) -> ibis.Table:
    """``table`` with ``amount`` = amount x rate(currency, table.rate_day), rounded to 4 places.

    A missing rate stops the query that reads the result with the clear error (no query runs here).
    """
    rates = rates_on(store, table, reporting_currency)
    joined = table.left_join(rates, ["rate_day", "currency"]).drop("rate_day_right", "currency_right")
    rate = _rate_or_refuse(joined, "rate", "rate_day", ibis.literal(True), reporting_currency)
    return joined.mutate(**{amount: (joined[amount] * rate).cast("decimal(18, 4)")}).drop("rate")


def with_rates(
    store: Store, table: ibis.Table, days: ibis.Table, rate_days: dict[str, tuple[str, str | None]],
    reporting_currency: str,
) -> ibis.Table:
    """``table`` with a rate column per entry of ``rate_days`` (name: (day column, boolean column of the
    rows that need it, or None for all)): the rate of the row's currency in force on that day.

    The rates are looked up for the distinct ``days.rate_day`` only (the periods' edges, not every row);
    a needed rate that does not exist stops the query that reads the result (no query runs here).
    """
    rates = rates_on(store, days, reporting_currency)
    for name, (day, _) in rate_days.items():
        found = rates.rename(**{f"{name}_day": "rate_day", name: "rate"})
        keys = [table[day] == found[f"{name}_day"], table.currency == found.currency]
        table = table.left_join(found, keys).drop(f"{name}_day", "currency_right")
    checked = {
        name: _rate_or_refuse(table, name, day, ibis.literal(True) if needed is None else table[needed],
                              reporting_currency)
        for name, (day, needed) in rate_days.items()
    }
    return table.mutate(**checked)


def to_reporting_currency(
    store: Store, table: ibis.Table, amount: str, reporting_currency: str, rate_day: date | ibis.DateValue
) -> ibis.Table:
    """``table`` with ``amount`` replaced by amount x rate(currency, rate_day); refuses a missing rate."""
    dated = table.mutate(rate_day=rate_day if isinstance(rate_day, ibis.Expr) else ibis.literal(rate_day, "date"))
    return convert_on(store, dated, amount, reporting_currency).drop("rate_day")
