"""The import's fast paths give the same rows as the general ones: typed Parquet, padding, first loads."""

from __future__ import annotations

import json
from datetime import date, datetime

import duckdb

from nabd.ingest.files import import_file


def test_typed_parquet_values_land_as_they_are_and_a_missing_one_is_quarantined(store, known_accounts, tmp_path):
    path = tmp_path / "events.parquet"
    duckdb.sql(
        "SELECT * FROM (VALUES"
        " ('E-1', 'A-1', 'login', TIMESTAMP '2024-01-05 10:00:00.25', 1.5::DOUBLE),"
        " ('E-2', 'A-1', 'login', NULL::TIMESTAMP, 2.0::DOUBLE)"
        ") AS t(event_id, account_id, event_type, ts, value)"
    ).write_parquet(str(path))
    summary = import_file(store, "events", path)
    assert (summary.inserted, summary.quarantined) == (1, 1)
    assert store.fetchall("SELECT event_id, ts, value FROM events") == [("E-1", datetime(2024, 1, 5, 10, 0, 0, 250000), 1.5)]
    line, error, row = store.fetchall("SELECT line, error, row_as_received FROM quarantine")[0]
    assert (line, error) == (2, "ts is required")  # Parquet has no header line: row 2 is line 2
    assert json.loads(row) == {"event_id": "E-2", "account_id": "A-1", "event_type": "login", "ts": None, "value": "2.0"}


def test_ids_padded_with_unicode_spaces_are_trimmed(store, write_file):
    # U+00A0 (no-break space) and U+3000 (ideographic space) are space separators, like ' '; a tab is not
    path = write_file("accounts.csv", "account_id,name\n\u00a0A-1\u3000,One\n A-2 ,Two\n\u3000,Three\n")
    summary = import_file(store, "accounts", path)
    assert (summary.inserted, summary.quarantined) == (2, 1)
    assert store.fetchall("SELECT account_id FROM accounts ORDER BY 1") == [("A-1",), ("A-2",)]
    assert store.fetchall("SELECT line, error FROM quarantine") == [(4, "account_id is required")]


def test_first_events_without_contact_or_value_columns_fill_activity_daily(store, known_accounts, write_file):
    path = write_file(
        "events.csv",
        "event_id,account_id,event_type,ts\nE-1,A-1,login,2024-01-05T09:00:00Z\nE-2,A-1,login,2024-01-05T18:00:00Z\n",
    )
    import_file(store, "events", path)
    # both events on 5 January, no contact ('') and no value (0 each)
    assert store.fetchall("SELECT * FROM activity_daily") == [("A-1", "", date(2024, 1, 5), "login", 2, 0.0)]


def test_second_events_file_adds_to_the_days_of_the_first(store, known_accounts, write_file):
    header = "event_id,account_id,contact_id,event_type,ts,value\n"
    import_file(store, "events", write_file("first.csv", header + "E-1,A-1,C-1,login,2024-01-05T09:00:00Z,2\n"))
    second = import_file(store, "events", write_file("second.csv", header + "E-1,A-1,C-1,login,2024-01-05T09:00:00Z,2\nE-2,A-1,C-1,login,2024-01-05T10:00:00Z,3\n"))
    assert (second.inserted, second.unchanged) == (1, 1)
    # E-1 once (not twice) and E-2: 2 events, 2 + 3 = 5
    assert store.fetchall("SELECT * FROM activity_daily") == [("A-1", "C-1", date(2024, 1, 5), "login", 2, 5.0)]
