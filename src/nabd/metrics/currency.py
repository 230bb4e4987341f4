"""Money in the reporting currency: one rate per currency per period, the rate in force on its first day.

``currency_rates(currency, valid_from, rate)`` holds units of the reporting currency for one unit
of ``currency``; the rate in force on day d is the row with the latest ``valid_from <= d``.
Amounts already in the reporting currency convert at exactly 1. A needed rate that does not
exist is a :class:`NabdError` naming the currency and the date, never a silently dropped amount.
"""

from __future__ import annotations

from datetime import date

import ibis

from nabd.errors import NabdError
from nabd.store import Store


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


def _refuse_missing(missing: ibis.Table, reporting_currency: str) -> None:
    """Raise the clear error for the first (rate_day, currency) of ``missing``, if any."""
    first = missing.order_by("rate_day", "currency").limit(1).to_pyarrow().to_pylist()
    if first:
        currency, rate_day = first[0]["currency"], first[0]["rate_day"]
        raise NabdError(
            f"no exchange rate from {currency} to {reporting_currency} in force on {rate_day}: "
            f"import a currency_rates row for {currency} with valid_from on or before {rate_day}"
        )


def convert_on(store: Store, table: ibis.Table, amount: str, reporting_currency: str) -> ibis.Table:
    """``table`` with ``amount`` = amount x rate(currency, table.rate_day), rounded to 4 places; refuses a missing rate.

    The check reads only rows in another currency than the reporting one (those alone need a stored rate).
    """
    rates = rates_on(store, table, reporting_currency)
    foreign = table.filter(table.currency != reporting_currency)
    needed = foreign.select("rate_day", "currency").distinct()
    _refuse_missing(needed.anti_join(rates, ["rate_day", "currency"]), reporting_currency)
    joined = table.join(rates, ["rate_day", "currency"])
    return joined.mutate(**{amount: (joined[amount] * joined.rate).cast("decimal(18, 4)")}).drop("rate")


def with_rates(
    store: Store, table: ibis.Table, days: ibis.Table, rate_days: dict[str, tuple[str, str | None]],
    reporting_currency: str,
) -> ibis.Table:
    """``table`` with a rate column per entry of ``rate_days`` (name: (day column, boolean column of the
    rows that need it, or None for all)): the rate of the row's currency in force on that day.

    The rates are looked up for the distinct ``days.rate_day`` only (the periods' edges, not every row);
    a needed rate that does not exist is refused in one query over the rows in a foreign currency.
    """
    rates = rates_on(store, days, reporting_currency)
    for name, (day, _) in rate_days.items():
        found = rates.rename(**{f"{name}_day": "rate_day", name: "rate"})
        keys = [table[day] == found[f"{name}_day"], table.currency == found.currency]
        table = table.left_join(found, keys).drop(f"{name}_day", "currency_right")
    foreign = table.filter(table.currency != reporting_currency)
    checks = []
    for name, (day, needed) in rate_days.items():
        lacking = foreign[name].isnull() if needed is None else foreign[name].isnull() & foreign[needed]
        checks.append(foreign.filter(lacking).select(rate_day=foreign[day], currency=foreign.currency))
    _refuse_missing(ibis.union(*checks, distinct=False) if len(checks) > 1 else checks[0], reporting_currency)
    return table


def to_reporting_currency(
    store: Store, table: ibis.Table, amount: str, reporting_currency: str, rate_day: date
) -> ibis.Table:
    """``table`` with ``amount`` replaced by amount x rate(currency, rate_day); refuses a missing rate."""
    dated = table.mutate(rate_day=ibis.literal(rate_day, "date"))
    return convert_on(store, dated, amount, reporting_currency).drop("rate_day")
