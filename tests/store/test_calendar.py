"""A day is a day in the company's timezone (NABD_TIMEZONE); the store keeps naive UTC timestamps."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import ibis
import pytest

from nabd.errors import NabdError
from nabd.store.calendar import (
    company_zone, day_start, fixed_offset, local_day, local_day_of, local_day_sql, today, utc_instant, window,
)

LATE_EVENING = datetime(2027, 1, 31, 22, 30)  # 22:30 UTC on 31 January
EARLY_TICKET = datetime(2027, 3, 1, 3, 0)  # 03:00 UTC on 1 March


def test_the_company_zone_defaults_to_utc(monkeypatch):
    monkeypatch.delenv("NABD_TIMEZONE", raising=False)
    assert company_zone() == "UTC"


def test_the_company_zone_is_read_from_nabd_timezone(monkeypatch):
    monkeypatch.setenv("NABD_TIMEZONE", "Asia/Riyadh")
    assert company_zone() == "Asia/Riyadh"


def test_an_unknown_zone_is_one_error_naming_the_variable(monkeypatch):
    monkeypatch.setenv("NABD_TIMEZONE", "Mars/Olympus")
    with pytest.raises(NabdError, match="NABD_TIMEZONE='Mars/Olympus' is not a known timezone"):
        company_zone()


def test_a_local_day_starts_at_local_midnight_in_utc():
    assert day_start(date(2027, 2, 1), "Asia/Riyadh") == datetime(2027, 1, 31, 21, 0)
    assert day_start(date(2027, 2, 1), "America/New_York") == datetime(2027, 2, 1, 5, 0)
    assert day_start(date(2027, 2, 1), "UTC") == datetime(2027, 2, 1)


def test_day_starts_follow_daylight_saving_time():
    # New York moves to EDT (UTC-4) on 14 March 2027: that day starts at UTC-5, the next at UTC-4
    assert day_start(date(2027, 3, 14), "America/New_York") == datetime(2027, 3, 14, 5, 0)
    assert day_start(date(2027, 3, 15), "America/New_York") == datetime(2027, 3, 15, 4, 0)


def test_a_window_runs_from_the_first_days_start_to_the_start_of_the_day_after_as_of():
    assert window(date(2027, 2, 1), 7, "Asia/Riyadh") == (datetime(2027, 1, 25, 21, 0), datetime(2027, 2, 1, 21, 0))


def test_the_local_day_of_a_stored_timestamp():
    assert local_day_of(LATE_EVENING, "Asia/Riyadh") == date(2027, 2, 1)
    assert local_day_of(EARLY_TICKET, "America/New_York") == date(2027, 2, 28)
    assert local_day_of(LATE_EVENING, "UTC") == date(2027, 1, 31)


def test_today_is_the_day_in_the_company_zone(monkeypatch):
    monkeypatch.setenv("NABD_TIMEZONE", "Pacific/Kiritimati")  # UTC+14: from 10:00 UTC it is already tomorrow
    assert today() == datetime.now(ZoneInfo("Pacific/Kiritimati")).date()
    assert today("UTC") == datetime.now(UTC).date()


def test_in_utc_the_day_sql_is_the_plain_cast():
    assert local_day_sql("ts", "UTC") == "CAST(ts AS DATE)"


def test_a_zone_without_daylight_saving_has_one_offset_and_one_with_it_none():
    assert fixed_offset("Asia/Riyadh") == timedelta(hours=3)
    assert fixed_offset("Pacific/Honolulu") == timedelta(hours=-10)
    assert fixed_offset("America/New_York") is None


def test_a_zone_with_one_offset_shifts_by_it_in_sql():
    assert local_day_sql("ts", "Asia/Riyadh") == "CAST(ts + INTERVAL '180 minutes' AS DATE)"


@pytest.mark.parametrize(
    ("zone", "moment", "day"),
    [
        ("Asia/Riyadh", LATE_EVENING, date(2027, 2, 1)),
        ("America/New_York", EARLY_TICKET, date(2027, 2, 28)),
        ("Pacific/Honolulu", EARLY_TICKET, date(2027, 2, 28)),  # UTC-10 all year
        ("Asia/Kathmandu", datetime(2027, 1, 31, 18, 15), date(2027, 2, 1)),  # UTC+5:45 (+5:30 before 1986)
        ("UTC", LATE_EVENING, date(2027, 1, 31)),
    ],
)
def test_the_local_day_sql_runs_on_the_store(store, zone, moment, day):
    assert store.scalar(f"SELECT {local_day_sql('CAST(? AS TIMESTAMP)', zone)}", [moment]) == day


@pytest.mark.parametrize(
    ("zone", "moment", "day"),
    [
        ("Asia/Riyadh", LATE_EVENING, date(2027, 2, 1)),
        ("America/New_York", EARLY_TICKET, date(2027, 2, 28)),
        ("Pacific/Honolulu", EARLY_TICKET, date(2027, 2, 28)),
        ("Asia/Kathmandu", datetime(2027, 1, 31, 18, 15), date(2027, 2, 1)),
        ("UTC", LATE_EVENING, date(2027, 1, 31)),
    ],
)
def test_the_local_day_expression_runs_on_the_store(store, zone, moment, day):
    moments = ibis.memtable({"ts": [moment]}, schema={"ts": "timestamp"})
    assert store.ibis.execute(moments.select(day=local_day(moments.ts, zone))).day.iloc[0].date() == day


@pytest.mark.parametrize(
    ("zone", "day", "start"),
    [
        ("Asia/Riyadh", date(2027, 2, 1), datetime(2027, 1, 31, 21, 0)),
        ("America/New_York", date(2027, 3, 15), datetime(2027, 3, 15, 4, 0)),  # the day after the DST change
        ("Pacific/Honolulu", date(2027, 2, 1), datetime(2027, 2, 1, 10, 0)),
        ("UTC", date(2027, 2, 1), datetime(2027, 2, 1)),
    ],
)
def test_the_utc_instant_of_a_local_midnight_in_the_engine_matches_python(store, zone, day, start):
    expr = utc_instant(ibis.literal(day), zone)
    assert store.ibis.execute(expr).to_pydatetime().replace(tzinfo=None) == start == day_start(day, zone)


def test_an_evening_event_is_in_the_one_day_window_of_the_next_day_in_riyadh():
    start, end = window(date(2027, 2, 1), 1, "Asia/Riyadh")
    assert start <= LATE_EVENING < end


def _events_in_window(store, as_of: ibis.Value, zone: str) -> ibis.Table:
    """Events in the one-day window of ``as_of``: start(as_of) <= ts < start(as_of + 1 day)."""
    events = store.table("events")
    return events.filter(
        (events.ts >= utc_instant(as_of, zone)) & (events.ts < utc_instant(as_of + ibis.interval(days=1), zone))
    ).select("event_id")


@pytest.mark.parametrize(
    ("zone", "moment", "as_of"),
    [
        ("Asia/Riyadh", LATE_EVENING, date(2027, 2, 1)),
        ("America/New_York", EARLY_TICKET, date(2027, 2, 28)),
        ("UTC", LATE_EVENING, date(2027, 1, 31)),
    ],
)
def test_a_window_compiled_once_on_a_sentinel_day_is_rerun_for_another_as_of_day(store, zone, moment, as_of):
    store.execute("INSERT INTO accounts (account_id, name) VALUES ('A', 'A')")
    store.execute("INSERT INTO events (event_id, account_id, event_type, ts) VALUES ('E', 'A', 'login', ?)", [moment])
    sql = store.ibis.compile(_events_in_window(store, ibis.literal(date(1111, 11, 11)), zone))
    assert "MAKE_DATE(1111, 11, 11)" in sql
    for_day = sql.replace("MAKE_DATE(1111, 11, 11)", f"MAKE_DATE({as_of.year}, {as_of.month}, {as_of.day})")
    assert store.fetchall(for_day) == [("E",)]
    day_before = as_of - timedelta(days=1)
    assert store.fetchall(sql.replace("MAKE_DATE(1111, 11, 11)", f"MAKE_DATE({day_before.year}, {day_before.month}, {day_before.day})")) == []


@pytest.mark.parametrize("name", ["America", "", "Riyadh"])
def test_a_folder_or_a_city_alone_is_not_a_zone(name):
    with pytest.raises(NabdError, match="NABD_TIMEZONE"):
        company_zone(name)
