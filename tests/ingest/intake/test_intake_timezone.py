"""Drained events count on their local day in the company's timezone (NABD_TIMEZONE)."""

from __future__ import annotations

from datetime import date

from tests.ingest.intake.conftest import drain, track


def test_a_drained_evening_event_counts_on_the_next_day_in_riyadh(client, monkeypatch):
    monkeypatch.setenv("NABD_TIMEZONE", "Asia/Riyadh")
    client.post("/v1/batch", json={"batch": [track("a", "login", timestamp="2026-01-31T22:30:00Z"),
                                             track("b", "login", timestamp="2026-02-01T08:00:00Z")]})
    store = drain(client)
    assert store.fetchall("SELECT day, events FROM activity_daily") == [(date(2026, 2, 1), 2)]
    assert store.fetchall("SELECT event_type, first_day FROM event_types") == [("login", date(2026, 2, 1))]


def test_a_drain_after_a_zone_change_recounts_the_stored_days(client, monkeypatch):
    monkeypatch.delenv("NABD_TIMEZONE", raising=False)
    client.post("/v1/track", json=track("a", "login", timestamp="2026-03-01T03:00:00Z"))
    drain(client)  # 1 March in UTC
    monkeypatch.setenv("NABD_TIMEZONE", "America/New_York")
    client.post("/v1/track", json=track("b", "login", timestamp="2026-02-28T15:00:00Z"))
    store = drain(client)
    assert store.fetchall("SELECT day, events FROM activity_daily") == [(date(2026, 2, 28), 2)]
