"""The one rule for dates, in file imports and the event intake alike: a date falls in NABD_DATE_RANGE.

The range is years, both included (default 1970-2100): a year 0001, 1900 or 9999 in a file is a typo
or a placeholder, and it would skew every period a metric counts. Refused rows go to quarantine (an
import) or are refused naming the field (the intake), with the reason :meth:`DateRange.problem` gives.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from nabd.config import load_settings


@dataclass(frozen=True)
class DateRange:
    """The years a date may fall in, both included."""

    first_year: int
    last_year: int

    @property
    def start(self) -> datetime:
        return datetime(self.first_year, 1, 1)

    @property
    def last(self) -> datetime:
        """The last instant in range."""
        return datetime(self.last_year, 12, 31, 23, 59, 59, 999999)

    @property
    def reason(self) -> str:
        return f"is outside the years {self.first_year}-{self.last_year} (NABD_DATE_RANGE)"

    def holds(self, moment: date) -> bool:
        if not isinstance(moment, datetime):
            moment = datetime(moment.year, moment.month, moment.day)
        return self.start <= moment <= self.last

    def outside_sql(self, value: str) -> str:
        """SQL that is true when the date or timestamp ``value`` is out of range (NULL stays NULL)."""
        return f"({value} < TIMESTAMP '{self.start.isoformat(' ')}' OR {value} > TIMESTAMP '{self.last.isoformat(' ')}')"


def date_range() -> DateRange:
    """The range in force (NABD_DATE_RANGE, read through nabd.config)."""
    first, last = load_settings().years
    return DateRange(first, last)
