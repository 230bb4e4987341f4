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


def rates_in_force(store: Store, day: date, reporting_currency: str) -> ibis.Table:
    """(currency, rate) in force on ``day``: rate of the latest valid_from <= day; 1 for the reporting currency."""
    rates = store.table("currency_rates").filter(lambda r: r.valid_from <= day)
    latest = rates.group_by("currency").aggregate(valid_from=rates.valid_from.max())
    in_force = rates.semi_join(latest, ["currency", "valid_from"]).select("currency", "rate")
    in_force = in_force.filter(in_force.currency != reporting_currency)
    unit = ibis.memtable({"currency": [reporting_currency], "rate": [1]}).select(
        currency=ibis._.currency.cast("string"), rate=ibis._.rate.cast(in_force.rate.type())
    )
    return in_force.union(unit)


def to_reporting_currency(
    store: Store, table: ibis.Table, amount: str, reporting_currency: str, rate_day: date
) -> ibis.Table:
    """``table`` with ``amount`` replaced by amount x rate(currency, rate_day); refuses a missing rate."""
    rates = rates_in_force(store, rate_day, reporting_currency)
    missing = (
        table.select("currency").distinct().anti_join(rates, "currency").limit(1).to_pyarrow()
    )
    if missing.num_rows:
        currency = missing.column("currency")[0].as_py()
        raise NabdError(
            f"no exchange rate from {currency} to {reporting_currency} in force on {rate_day}: "
            f"import a currency_rates row for {currency} with valid_from on or before {rate_day}"
        )
    joined = table.join(rates, "currency")
    return joined.mutate(**{amount: (joined[amount] * joined.rate).cast("decimal(18, 4)")}).drop("rate")
