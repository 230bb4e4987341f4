"""activity_daily follows events: per account, contact, day and event type, a count and a value sum."""

from __future__ import annotations

from datetime import date

import ibis

from nabd.ingest.activity import refresh_activity_daily
from nabd.ingest.files import import_file

EVENTS = (
    "event_id,account_id,contact_id,event_type,ts,value\n"
    "E-1,A-1,C-1,session,2024-01-05T09:00:00Z,30\n"
    "E-2,A-1,C-1,session,2024-01-05T17:00:00Z,15.5\n"
    "E-3,A-1,,login,2024-01-05T23:30:00-02:00,\n"  # 01:30 UTC on 6 January; no contact, no value
    "E-4,A-2,C-9,session,2024-01-05T10:00:00Z,5\n"
)


def activity(store):
    return store.fetchall("SELECT * FROM activity_daily ORDER BY account_id, day, contact_id, event_type")


def test_events_import_fills_activity_daily(store, known_accounts, write_file):
    import_file(store, "events", write_file("events.csv", EVENTS))
    assert activity(store) == [
        ("A-1", "C-1", date(2024, 1, 5), "session", 2, 45.5),  # 30 + 15.5
        ("A-1", "", date(2024, 1, 6), "login", 1, 0.0),  # value missing counts as 0
        ("A-2", "C-9", date(2024, 1, 5), "session", 1, 5.0),
    ]


def test_moving_an_event_to_another_day_refreshes_both_days(store, known_accounts, write_file):
    import_file(store, "events", write_file("events.csv", EVENTS))
    moved = "event_id,account_id,contact_id,event_type,ts,value\nE-2,A-1,C-1,session,2024-01-07T08:00:00Z,15.5\n"
    import_file(store, "events", write_file("moved.csv", moved))
    assert activity(store)[:3] == [
        ("A-1", "C-1", date(2024, 1, 5), "session", 1, 30.0),  # E-1 alone now
        ("A-1", "", date(2024, 1, 6), "login", 1, 0.0),
        ("A-1", "C-1", date(2024, 1, 7), "session", 1, 15.5),  # E-2 moved here
    ]


def test_refresh_of_chosen_days_leaves_other_days_alone(store, known_accounts, write_file):
    import_file(store, "events", write_file("events.csv", EVENTS))
    store.execute("DELETE FROM activity_daily")
    refresh_activity_daily(store, ibis.memtable({"account_id": ["A-1"], "day": [date(2024, 1, 5)]}))
    assert activity(store) == [("A-1", "C-1", date(2024, 1, 5), "session", 2, 45.5)]


def test_refresh_of_everything_rebuilds_the_rollup(store, known_accounts, write_file):
    import_file(store, "events", write_file("events.csv", EVENTS))
    store.execute("DELETE FROM activity_daily")
    refresh_activity_daily(store)
    assert len(activity(store)) == 3


def event_types(store):
    return store.fetchall("SELECT event_type, first_day FROM event_types ORDER BY event_type")


def test_an_events_import_records_each_event_type_with_the_first_day_it_was_seen(store, known_accounts, write_file):
    import_file(store, "events", write_file("events.csv", EVENTS))
    assert event_types(store) == [("login", date(2024, 1, 6)), ("session", date(2024, 1, 5))]


def test_an_earlier_event_moves_its_types_first_day_back_and_a_later_one_does_not(store, known_accounts, write_file):
    import_file(store, "events", write_file("events.csv", EVENTS))
    more = ("event_id,account_id,contact_id,event_type,ts,value\n"
            "E-5,A-1,C-1,session,2024-01-01T09:00:00Z,5\n"  # earlier: session now first seen on 1 January
            "E-6,A-1,C-1,login,2024-02-01T09:00:00Z,\n"  # later: login keeps 6 January
            "E-7,A-2,C-9,feature:export,2024-01-09T09:00:00Z,\n")  # a new type
    import_file(store, "events", write_file("more.csv", more))
    assert event_types(store) == [
        ("feature:export", date(2024, 1, 9)), ("login", date(2024, 1, 6)), ("session", date(2024, 1, 1))]


def test_a_full_refresh_recomputes_event_types_from_the_rollup(store, known_accounts, write_file):
    import_file(store, "events", write_file("events.csv", EVENTS))
    store.execute("DELETE FROM event_types")
    refresh_activity_daily(store)
    assert event_types(store) == [("login", date(2024, 1, 6)), ("session", date(2024, 1, 5))]


def test_the_same_file_twice_and_two_overlapping_files_store_each_event_and_each_activity_row_once(
        store, known_accounts, write_file):
    """Uniqueness is kept by the import's anti-join, not by a key (a DuckDB store has none: migration 0021)."""
    first = write_file("first.csv", EVENTS)
    import_file(store, "events", first)
    import_file(store, "events", first)
    overlapping = write_file("second.csv", "event_id,account_id,contact_id,event_type,ts,value\n"
                             "E-2,A-1,C-1,session,2024-01-05T17:00:00Z,15.5\n"  # as stored: unchanged
                             "E-4,A-2,C-9,session,2024-01-05T10:00:00Z,7\n"  # stored with 5: updated
                             "E-5,A-2,C-9,session,2024-01-05T11:00:00Z,1\n")  # new
    summary = import_file(store, "events", overlapping)
    assert (summary.inserted, summary.updated, summary.unchanged) == (1, 1, 1)
    assert store.fetchall("SELECT event_id, count(*) FROM events GROUP BY event_id ORDER BY event_id") == [
        ("E-1", 1), ("E-2", 1), ("E-3", 1), ("E-4", 1), ("E-5", 1)]
    assert activity(store) == [
        ("A-1", "C-1", date(2024, 1, 5), "session", 2, 45.5),
        ("A-1", "", date(2024, 1, 6), "login", 1, 0.0),
        ("A-2", "C-9", date(2024, 1, 5), "session", 2, 8.0),  # E-4 now 7, E-5 1
    ]
