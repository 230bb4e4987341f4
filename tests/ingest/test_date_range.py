"""One rule for dates in file imports and the event intake: a date falls in NABD_DATE_RANGE (default 1970-2100)."""

from __future__ import annotations

from datetime import datetime

import pytest

from nabd.errors import NabdError
from nabd.ingest.files import import_file
from nabd.ingest.intake.messages import Refusal, parse_time, validate_message
from nabd.store.date_range import date_range

RECEIVED = datetime(2026, 5, 10, 9, 0)


def import_events(store, write_file, *timestamps: str):
    store.execute("INSERT INTO accounts (account_id, name) VALUES ('A-1', 'Acme')")
    lines = "".join(f"A-1,login,{ts}\n" for ts in timestamps)
    return import_file(store, "events", write_file("e.csv", "account_id,event_type,ts\n" + lines))


def test_a_file_with_dates_in_years_0001_1900_and_9999_quarantines_those_rows_with_the_reason(store, write_file):
    result = import_events(store, write_file, "2025-03-02T10:00:00Z", "0001-01-01T00:00:00Z",
                           "1900-01-01", "9999-12-31T23:59:59", "1970-01-01T00:00:00Z", "2100-12-31")
    assert (result.inserted, result.quarantined) == (3, 3)
    errors = [row[0] for row in store.fetchall("SELECT error FROM quarantine ORDER BY line")]
    assert errors == [
        "ts '0001-01-01T00:00:00Z' is outside the years 1970-2100 (NABD_DATE_RANGE)",
        "ts '1900-01-01' is outside the years 1970-2100 (NABD_DATE_RANGE)",
        "ts '9999-12-31T23:59:59' is outside the years 1970-2100 (NABD_DATE_RANGE)",
    ]


def test_a_date_column_follows_the_same_rule(store, write_file):
    store.execute("INSERT INTO accounts (account_id, name) VALUES ('A-1', 'Acme')")
    result = import_file(store, "subscriptions", write_file("s.csv", (
        "subscription_id,account_id,product,mrr,currency,quantity,start_date\n"
        "S-1,A-1,core,10,USD,1,2025-01-01\nS-2,A-1,core,10,USD,1,1899-12-31\n")))
    assert (result.inserted, result.quarantined) == (1, 1)
    assert store.scalar("SELECT error FROM quarantine") == (
        "start_date '1899-12-31' is outside the years 1970-2100 (NABD_DATE_RANGE)")


def test_the_range_is_configurable_for_imports_and_the_intake(store, write_file, monkeypatch):
    monkeypatch.setenv("NABD_DATE_RANGE", "1900-2100")
    result = import_events(store, write_file, "1900-01-01", "1899-12-31")
    assert (result.inserted, result.quarantined) == (1, 1)
    message = {"type": "track", "messageId": "m1", "event": "login", "userId": "u1", "timestamp": "1900-01-01T00:00:00Z"}
    assert validate_message(message, "track", None, RECEIVED)[1] == datetime(1900, 1, 1)


@pytest.mark.parametrize("timestamp", ["0001-01-01T00:00:00Z", "1900-01-01T00:00:00Z", "1969-12-31T23:59:59Z"])
def test_the_intake_refuses_the_same_years_with_the_same_reason(timestamp):
    message = {"type": "track", "messageId": "m1", "event": "login", "userId": "u1", "timestamp": timestamp}
    with pytest.raises(Refusal) as refusal:
        validate_message(message, "track", None, RECEIVED)
    assert str(refusal.value).endswith("is outside the years 1970-2100 (NABD_DATE_RANGE)")
    with pytest.raises(Refusal, match="outside the years 1970-2100"):
        parse_time(timestamp, "sentAt")


def test_the_range_ends_with_the_last_instant_of_its_last_year():
    dates = date_range()
    assert dates.holds(datetime(2100, 12, 31, 23, 59, 59)) and not dates.holds(datetime(2101, 1, 1))
    assert dates.holds(datetime(1970, 1, 1)) and not dates.holds(datetime(1969, 12, 31, 23, 59, 59))


def test_a_range_that_is_not_two_years_in_order_is_one_error_naming_the_variable(monkeypatch):
    monkeypatch.setenv("NABD_DATE_RANGE", "2100-1970")
    with pytest.raises(NabdError, match="NABD_DATE_RANGE='2100-1970' is not a range of years like 1970-2100"):
        date_range()
