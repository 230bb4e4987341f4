"""activity_daily counts days in the company's timezone (NABD_TIMEZONE), and is recounted when it changes."""

from __future__ import annotations

from datetime import date

import pytest

from nabd.errors import NabdError
from nabd.ingest.activity import follow_timezone, refresh_activity_daily
from nabd.ingest.files import import_file
from nabd.store.calendar import rolled_up_zone
from tests.command_line import nabd as run

HEADER = "event_id,account_id,contact_id,event_type,ts,value\n"
LATE_EVENING = HEADER + "E-1,A-1,C-1,session,2027-01-31T22:30:00Z,20\n"  # 01:30 on 1 February in Riyadh
EARLY_MORNING = HEADER + "E-2,A-1,C-1,session,2027-03-01T03:00:00Z,10\n"  # 22:00 on 28 February in New York


def days(store):
    return store.fetchall("SELECT day, event_type, events FROM activity_daily ORDER BY day, event_type")


def first_days(store):
    return store.fetchall("SELECT event_type, first_day FROM event_types ORDER BY event_type")


def test_by_default_a_day_is_a_utc_day(store, known_accounts, write_file, monkeypatch):
    monkeypatch.delenv("NABD_TIMEZONE", raising=False)
    import_file(store, "events", write_file("events.csv", LATE_EVENING))
    assert days(store) == [(date(2027, 1, 31), "session", 1)]


def test_an_evening_event_in_utc_is_next_days_activity_in_riyadh(store, known_accounts, write_file, monkeypatch):
    monkeypatch.setenv("NABD_TIMEZONE", "Asia/Riyadh")
    import_file(store, "events", write_file("events.csv", LATE_EVENING))
    assert days(store) == [(date(2027, 2, 1), "session", 1)]
    assert first_days(store) == [("session", date(2027, 2, 1))]


def test_an_early_utc_event_is_previous_days_activity_in_new_york(store, known_accounts, write_file, monkeypatch):
    monkeypatch.setenv("NABD_TIMEZONE", "America/New_York")
    import_file(store, "events", write_file("events.csv", EARLY_MORNING))
    assert days(store) == [(date(2027, 2, 28), "session", 1)]


def test_a_later_import_rebuilds_touched_local_days(store, known_accounts, write_file, monkeypatch):
    monkeypatch.setenv("NABD_TIMEZONE", "Asia/Riyadh")
    import_file(store, "events", write_file("first.csv", LATE_EVENING))
    same_local_day = HEADER + "E-3,A-1,C-1,session,2027-02-01T08:00:00Z,5\n"  # 11:00 on 1 February in Riyadh
    import_file(store, "events", write_file("second.csv", same_local_day))
    assert days(store) == [(date(2027, 2, 1), "session", 2)]


def test_a_full_refresh_counts_local_days(store, known_accounts, write_file, monkeypatch):
    monkeypatch.setenv("NABD_TIMEZONE", "Asia/Riyadh")
    import_file(store, "events", write_file("events.csv", LATE_EVENING))
    store.execute("DELETE FROM activity_daily")
    refresh_activity_daily(store)
    assert days(store) == [(date(2027, 2, 1), "session", 1)]


def test_a_changed_zone_recounts_every_day_and_says_so(store, known_accounts, write_file, monkeypatch):
    monkeypatch.delenv("NABD_TIMEZONE", raising=False)
    import_file(store, "events", write_file("events.csv", LATE_EVENING))
    monkeypatch.setenv("NABD_TIMEZONE", "Asia/Riyadh")
    said: list[str] = []
    assert follow_timezone(store, said.append)
    assert days(store) == [(date(2027, 2, 1), "session", 1)]
    assert first_days(store) == [("session", date(2027, 2, 1))]
    assert said == ["NABD_TIMEZONE changed from UTC to Asia/Riyadh: recounted the daily activity in Asia/Riyadh days"]
    assert rolled_up_zone(store) == "Asia/Riyadh"


def test_an_unchanged_zone_recounts_nothing(store, known_accounts, write_file, monkeypatch):
    monkeypatch.setenv("NABD_TIMEZONE", "Asia/Riyadh")
    import_file(store, "events", write_file("events.csv", LATE_EVENING))
    said: list[str] = []
    assert not follow_timezone(store, said.append)
    assert said == []


def test_an_import_after_a_zone_change_recounts_the_older_days_too(store, known_accounts, write_file, monkeypatch):
    monkeypatch.delenv("NABD_TIMEZONE", raising=False)
    import_file(store, "events", write_file("first.csv", EARLY_MORNING))  # counted on 1 March (UTC)
    monkeypatch.setenv("NABD_TIMEZONE", "America/New_York")
    import_file(store, "events", write_file("second.csv", LATE_EVENING))
    # 03:00 UTC on 1 March is 28 February in New York; 22:30 UTC on 31 January is 17:30 there, 31 January
    assert days(store) == [(date(2027, 1, 31), "session", 1), (date(2027, 2, 28), "session", 1)]
    assert rolled_up_zone(store) == "America/New_York"


def test_an_unknown_zone_stops_an_events_import(store, known_accounts, write_file, monkeypatch):
    monkeypatch.setenv("NABD_TIMEZONE", "Asia/Atlantis")
    with pytest.raises(NabdError, match="NABD_TIMEZONE"):
        import_file(store, "events", write_file("events.csv", LATE_EVENING))
    assert store.scalar("SELECT count(*) FROM events") == 0


def nabd(database, *args, zone: str):
    return run(*args, env={"NABD_DATABASE_URL": f"duckdb:///{database}", "NABD_TIMEZONE": zone})


def test_the_first_command_after_a_zone_change_recounts_once_and_says_so(tmp_path, write_file):
    database = tmp_path / "n.duckdb"
    nabd(database, "import", "accounts", str(write_file("accounts.csv", "account_id,name\nA-1,One\n")), zone="UTC")
    nabd(database, "import", "events", str(write_file("events.csv", LATE_EVENING)), zone="UTC")
    changed = nabd(database, "quarantine", zone="Asia/Riyadh")
    assert changed.returncode == 0, changed.stderr
    assert changed.stderr.strip().splitlines() == [
        "NABD_TIMEZONE changed from UTC to Asia/Riyadh: recounted the daily activity in Asia/Riyadh days"
    ]
    again = nabd(database, "quarantine", zone="Asia/Riyadh")
    assert again.returncode == 0 and again.stderr == ""


def test_a_command_with_an_unknown_zone_fails_with_one_line(tmp_path):
    result = nabd(tmp_path / "n.duckdb", "quarantine", zone="Riyadh")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "error: NABD_TIMEZONE='Riyadh' is not a known timezone: use a name such as UTC, Asia/Riyadh or America/New_York"
    ]


def test_another_name_of_utc_is_no_change(store, known_accounts, write_file, monkeypatch):
    monkeypatch.delenv("NABD_TIMEZONE", raising=False)
    import_file(store, "events", write_file("events.csv", LATE_EVENING))
    monkeypatch.setenv("NABD_TIMEZONE", "Etc/UTC")
    assert not follow_timezone(store)
