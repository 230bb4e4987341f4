"""A period in progress is never reported as complete: `nabd metrics` stops at the last complete period by
default and marks an unfinished one "in progress: N of M days"."""

import json
from datetime import date, timedelta

import pyarrow as pa

from nabd.metrics.progress import (
    last_complete_day,
    mark_change_in_progress,
    mark_in_progress,
    progress,
)
from nabd.store import open_store
from nabd.store.calendar import today
from tests.command_line import nabd
from tests.metrics.metrics_history import acct, given, sub


def test_the_last_complete_day_is_the_day_before_the_current_period():
    assert last_complete_day("month", date(2026, 12, 6)) == date(2026, 11, 30)
    assert last_complete_day("month", date(2026, 12, 1)) == date(2026, 11, 30)
    assert last_complete_day("quarter", date(2026, 12, 6)) == date(2026, 9, 30)
    assert last_complete_day("week", date(2026, 12, 6)) == date(2026, 11, 29)  # a Sunday: the week began on the 30th


def test_a_period_reads_in_progress_with_its_days_until_its_last_day_is_over():
    december = (date(2026, 12, 1), date(2027, 1, 1))
    assert progress(*december, date(2026, 12, 6)) == "in progress: 6 of 31 days"
    assert progress(*december, date(2026, 12, 31)) == "in progress: 31 of 31 days"
    assert progress(*december, date(2027, 1, 1)) is None
    assert progress(*december, date(2026, 11, 30)) == "not begun"


def test_the_mark_goes_before_the_reason_a_row_already_gives():
    rows = pa.table({"period_start": [date(2026, 11, 1), date(2026, 12, 1)], "next_start": [date(2026, 12, 1), date(2027, 1, 1)],
                     "note": [None, "no responses in the period"]})
    marked = mark_in_progress(rows, date(2026, 12, 6))
    assert marked["note"].to_pylist() == [None, "in progress: 6 of 31 days; no responses in the period"]


def test_a_result_without_a_note_gets_one_only_when_a_period_is_unfinished():
    rows = pa.table({"period_start": [date(2026, 11, 1)], "next_start": [date(2026, 12, 1)], "nps": [10.0]})
    assert mark_in_progress(rows, date(2026, 12, 6)).column_names == ["period_start", "next_start", "nps"]
    assert mark_in_progress(rows, date(2026, 11, 30))["note"].to_pylist() == ["in progress: 30 of 30 days"]


def test_a_change_names_its_unfinished_side():
    rows = pa.table({"segment": ["SMB"], "contribution": [0.1]})
    marked = mark_change_in_progress(rows, "month", date(2026, 11, 3), date(2026, 12, 3), date(2026, 12, 6))
    assert marked["note"].to_pylist() == ["after: in progress: 6 of 31 days"]


def test_the_cli_stops_at_the_last_complete_month_by_default(tmp_path):
    url = f"duckdb:///{tmp_path / 'nabd.duckdb'}"
    now = today()
    with open_store(url) as store:
        given(store, accounts=[acct("A")], subscriptions=[sub("S1", "A", 100, date(now.year - 2, 1, 1))])
    result = nabd("metrics", "customer_churn", "--format", "json", database=url)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == 12
    assert rows[-1]["next_start"] == now.replace(day=1).isoformat()
    assert all(row["note"] is None for row in rows)


def test_the_cli_marks_the_month_in_progress_when_asked_for_it(tmp_path):
    url = f"duckdb:///{tmp_path / 'nabd.duckdb'}"
    now = today()
    with open_store(url) as store:
        given(store, accounts=[acct("A")], subscriptions=[sub("S1", "A", 100, date(now.year - 2, 1, 1))])
    first = now.replace(day=1)
    result = nabd("metrics", "customer_churn", "--from", (first - timedelta(days=1)).isoformat(), "--to", now.isoformat(),
                  "--format", "json", database=url)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    days = ((first + timedelta(days=32)).replace(day=1) - first).days
    assert [row["note"] for row in rows] == [None, f"in progress: {now.day} of {days} days"]
