"""The measure library: one raw value per active account as of a date, as Ibis expressions.

Point in time (nabd.store.window): a measure for ``as_of`` sees only facts known by the end of that day.
A window of N days is the days (as_of - N, as_of]; timestamps count when ``start <= ts < end``; an
invoice paid after as_of is unpaid, a ticket closed after as_of is open (its CSAT unknown), an event
after as_of does not exist. One module per family: ``activity`` (usage over activity_daily, one GROUP BY
per grain), ``subscriptions``, ``tickets``, ``payments``, ``voice``, ``relationship``, ``custom``;
``values`` assembles them into one row per account.
"""

from nabd.health.measures.activity import ACTIVITY_MEASURES
from nabd.health.measures.values import RAW_DECIMALS, TABLE_MEASURES, measure_values, scored_accounts

__all__ = ["ACTIVITY_MEASURES", "RAW_DECIMALS", "TABLE_MEASURES", "measure_values", "scored_accounts"]
