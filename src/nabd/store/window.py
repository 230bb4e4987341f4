"""The as-of window: what "the last N days as of a date" means for every reader of the store.

Point in time: a reading as of day ``as_of`` sees only facts known by the end of that day. A window of
N days is the days (as_of - N, as_of]; a timestamp is in it when ``start <= ts < end``, ``start`` being
the instant its first day begins and ``end`` the instant the day after as_of begins. Health measures and
playbook indicators both read the store this way, so the window lives in the store, beside the store's
calendar (the lowest layer that owns days and instants).

Every date derives in the engine from the one as-of value (a literal, or the parameter of a query
compiled once for many dates: nabd.store.per_day), never in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import ibis

from nabd.store.calendar import utc_instant


def as_of_value(as_of: date | ibis.DateValue) -> ibis.DateValue:
    """``as_of`` as an engine date: a Python date becomes a literal; an engine date stays as it is."""
    return as_of if isinstance(as_of, ibis.Expr) else ibis.literal(as_of)


def days_before(as_of: ibis.DateValue, count: int) -> ibis.DateValue:
    """as_of - count days."""
    return (as_of - ibis.interval(days=count)).cast("date")


def day_start(day: ibis.DateValue) -> ibis.TimestampValue:
    """The instant ``day`` begins, as the store's naive UTC timestamps: the one place a window's day becomes
    an instant (midnight of ``day`` in the company's timezone, NABD_TIMEZONE: store.calendar)."""
    return utc_instant(day)


@dataclass(frozen=True)
class Window:
    """The days (as_of - days, as_of] and the same length just before them."""

    as_of: ibis.DateValue
    days: int

    def days_before(self, count: int) -> ibis.DateValue:
        """as_of - count days."""
        return days_before(self.as_of, count)

    @property
    def first_day(self) -> ibis.DateValue:
        return self.days_before(self.days - 1)

    @property
    def previous_first_day(self) -> ibis.DateValue:
        return self.days_before(2 * self.days - 1)

    @property
    def start(self) -> ibis.TimestampValue:
        """First instant of the window: the start of its first day."""
        return day_start(self.first_day)

    @property
    def previous_start(self) -> ibis.TimestampValue:
        """First instant of the window just before this one."""
        return day_start(self.previous_first_day)

    @property
    def end(self) -> ibis.TimestampValue:
        """First instant after as_of: timestamps known on as_of are < end."""
        return day_start((self.as_of + ibis.interval(days=1)).cast("date"))

    def contains_day(self, day: ibis.DateValue) -> ibis.BooleanValue:
        """as_of - days < day <= as_of."""
        return (day <= self.as_of) & (day > self.days_before(self.days))

    def contains(self, moment: ibis.TimestampValue) -> ibis.BooleanValue:
        """start <= moment < end."""
        return (moment >= self.start) & (moment < self.end)
