"""Metrics count periods of local days in the company's timezone (NABD_TIMEZONE); UTC by default."""

from datetime import datetime

import pytest

from nabd.ingest.files import import_file
from nabd.metrics.support import ticket_volume
from nabd.metrics.usage import active_users
from nabd.metrics.voice import nps
from tests.metrics.metrics_history import FEB, JAN, MAR, acct, given, rows, sub, ticket

LATE_EVENING = datetime(2024, 1, 31, 22, 30)  # 1 February, 01:30 in Riyadh
EARLY_MORNING = datetime(2024, 3, 1, 3, 0)  # 28 February, 22:00 in New York


def opened_per_month(store, start, end):
    return [(r["period_start"], r["tickets_opened"]) for r in rows(ticket_volume(store, start=start, end=end))]


def test_a_ticket_opened_at_22_30_utc_on_31_january_is_a_february_ticket_in_riyadh(store, monkeypatch):
    monkeypatch.setenv("NABD_TIMEZONE", "Asia/Riyadh")
    given(store, accounts=[acct("A")], tickets=[ticket("T1", "A", LATE_EVENING)])
    assert opened_per_month(store, JAN, FEB) == [(JAN, 0), (FEB, 1)]


def test_a_ticket_opened_at_03_00_utc_on_1_march_is_a_february_ticket_in_new_york(store, monkeypatch):
    monkeypatch.setenv("NABD_TIMEZONE", "America/New_York")
    given(store, accounts=[acct("A")], tickets=[ticket("T1", "A", EARLY_MORNING)])
    assert opened_per_month(store, FEB, MAR) == [(FEB, 1), (MAR, 0)]


def test_by_default_periods_are_utc_days(store, monkeypatch):
    monkeypatch.delenv("NABD_TIMEZONE", raising=False)
    given(store, accounts=[acct("A")], tickets=[ticket("T1", "A", LATE_EVENING), ticket("T2", "A", EARLY_MORNING)])
    assert opened_per_month(store, JAN, MAR) == [(JAN, 1), (FEB, 0), (MAR, 1)]


@pytest.mark.parametrize(("zone", "backlog"), [("America/New_York", 0), ("UTC", 1)])
def test_the_backlog_at_a_period_end_counts_closing_on_local_days(store, monkeypatch, zone, backlog):
    # closed at 03:00 UTC on 1 March: still February (22:00) in New York, so not open at February's end there
    monkeypatch.setenv("NABD_TIMEZONE", zone)
    given(store, accounts=[acct("A")], tickets=[ticket("T1", "A", datetime(2024, 2, 10, 12), closed=EARLY_MORNING)])
    [february] = rows(ticket_volume(store, start=FEB, end=FEB))
    assert february["backlog"] == backlog


def test_a_survey_response_belongs_to_the_month_of_its_local_day(store, monkeypatch):
    monkeypatch.setenv("NABD_TIMEZONE", "Asia/Riyadh")
    given(store, accounts=[acct("A")], survey_responses=[("R1", "A", None, "nps", 10, None, "en", "relationship", LATE_EVENING)])
    assert [(r["period_start"], r["responses"]) for r in rows(nps(store, start=JAN, end=FEB))] == [(JAN, 0), (FEB, 1)]


def test_active_users_count_the_local_day_of_imported_events(store, monkeypatch, tmp_path):
    monkeypatch.setenv("NABD_TIMEZONE", "Asia/Riyadh")
    given(store, accounts=[acct("A")], subscriptions=[sub("S1", "A", 100, JAN)])
    events = tmp_path / "events.csv"
    events.write_text("event_id,account_id,contact_id,event_type,ts\nE-1,A,u1,login,2024-01-31T22:30:00Z\n")
    import_file(store, "events", events)
    january, february = rows(active_users(store, start=JAN, end=FEB))
    assert (january["active_users"], february["active_users"]) == (0, 1)
