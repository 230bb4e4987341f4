"""Which month a report is for: a closed month with data, named YYYY-MM (default: the last closed month)."""

from __future__ import annotations

from datetime import date

from nabd.errors import NabdError
from nabd.metrics.periods import next_period_start
from nabd.metrics.progress import last_complete_period, progress
from nabd.metrics.registry import compute
from nabd.store import Store

LANGUAGES: tuple[str, ...] = ("en", "ar")


def parse_month(text: str) -> date:
    """The first day of the month ``text`` names (YYYY-MM)."""
    try:
        year, month = (int(part) for part in text.strip().split("-"))
        return date(year, month, 1)
    except ValueError:
        raise NabdError(f"--month {text!r} is not a month: write it as YYYY-MM (e.g. 2026-11)") from None


def check_language(language: str) -> str:
    """``language`` when a report can be written in it, else a one-line error."""
    if language not in LANGUAGES:
        raise NabdError(f"unknown language {language!r}: a report is written in {' or '.join(LANGUAGES)}")
    return language


def report_month(store: Store, text: str | None, today: date) -> date:
    """The first day of the closed month the report is for (``text`` YYYY-MM, default the last closed month);
    a month in the future, in progress or without any customer is refused with one line."""
    month = parse_month(text) if text else last_complete_period("month", today)
    following = next_period_start(month, "month")
    state = progress(month, following, today)
    if state == "not begun":
        raise NabdError(f"{month:%Y-%m} is in the future: a report is for a month that has ended")
    if state is not None:
        raise NabdError(f"{month:%Y-%m} is not over ({state}): its report can be made from {following.isoformat()}")
    row = compute(store, "customer_churn", start=month, end=month).to_pylist()[0]
    if row["customers_start"] == 0 and row["customers_end"] == 0:
        raise NabdError(f"no data for {month:%Y-%m}: no account was a customer on its first day or the next month's")
    return month
