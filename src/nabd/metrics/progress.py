"""Periods in progress: a period that has not ended is never shown as if it were complete.

A period [start, next) is complete on ``today`` when next <= today (its last day is over); the one
containing today is "in progress: N of M days" (N = days begun, today included, M = its length); one
starting after today has "not begun".
"""

from __future__ import annotations

from datetime import date, timedelta

import pyarrow as pa

from nabd.metrics.periods import next_period_start, period_start_of


def last_complete_day(period: str, today: date) -> date:
    """The last day of the last complete period before ``today`` (the day before the current period began)."""
    return period_start_of(today, period) - timedelta(days=1)


def last_complete_period(period: str, today: date) -> date:
    """The first day of the last complete period before ``today``."""
    return period_start_of(last_complete_day(period, today), period)


def progress(period_start: date, next_start: date, today: date) -> str | None:
    """None for a complete period; else "in progress: N of M days" or "not begun"."""
    if next_start <= today:
        return None
    if period_start > today:
        return "not begun"
    return f"in progress: {(today - period_start).days + 1} of {(next_start - period_start).days} days"


def is_complete(period_start: date, period: str, today: date) -> bool:
    """Whether the ``period`` starting on ``period_start`` is over on ``today``."""
    return next_period_start(period_start, period) <= today


def mark_in_progress(result: pa.Table, today: date) -> pa.Table:
    """``result`` (rows with period_start and next_start) with each unfinished period's progress in ``note``,
    before any reason the row already gives ("in progress: 6 of 31 days; no responses in the period")."""
    if "period_start" not in result.column_names or "next_start" not in result.column_names:
        return result
    marks = [progress(s, n, today) for s, n in zip(result["period_start"].to_pylist(), result["next_start"].to_pylist())]
    if all(mark is None for mark in marks):
        return result
    old = result["note"].to_pylist() if "note" in result.column_names else [None] * len(marks)
    notes = pa.array(["; ".join(t for t in (mark, reason) if t) or None for mark, reason in zip(marks, old)], pa.string())
    if "note" in result.column_names:
        return result.set_column(result.column_names.index("note"), "note", notes)
    return result.append_column("note", notes)


def mark_change_in_progress(result: pa.Table, period: str, start: date, end: date, today: date) -> pa.Table:
    """A change_explained result with a ``note`` naming an unfinished side ("after: in progress: 6 of 31 days")."""
    sides = []
    for side, day in (("before", start), ("after", end)):
        first = period_start_of(day, period)
        mark = progress(first, next_period_start(first, period), today)
        if mark:
            sides.append(f"{side}: {mark}")
    note = "; ".join(sides) or None
    return result.append_column("note", pa.array([note] * result.num_rows, pa.string()))
