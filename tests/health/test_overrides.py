"""Manual score overrides (nabd.health.overrides): in force from their start until their expiry (exclusive) unless
ended, the newest one wins, and bad values are refused naming the field."""

from datetime import date, datetime, timedelta

import pytest

from nabd.errors import NabdError
from nabd.health.overrides import end_override, overrides_in_force, set_override

TODAY = date(2026, 3, 1)
NOW = datetime(2026, 3, 1, 9, 0)


def _set(store, account_id: str, score: int, expires: date, **changed):
    values = dict(score=score, band=None, scorecard_version=None, reason="the CSM knows", owner="carla",
                  expires_on=expires, by="carla", today=TODAY, now=NOW)
    return set_override(store, account_id, **{**values, **changed})


def _in_force(store, day: date) -> dict[str, int]:
    return {row["account_id"]: row["score"] for row in overrides_in_force(store, day).to_pyarrow().to_pylist()}


def test_an_override_is_in_force_until_its_expiry_day_and_ends_when_ended(store):
    _set(store, "a", 80, TODAY + timedelta(days=3))
    _set(store, "b", 20, TODAY + timedelta(days=30))
    assert _in_force(store, TODAY) == {"a": 80, "b": 20}
    assert _in_force(store, TODAY + timedelta(days=3)) == {"b": 20}  # a expired by itself
    assert _in_force(store, TODAY - timedelta(days=1)) == {}  # not before it was set
    assert end_override(store, "b", by="ana", today=TODAY + timedelta(days=5), now=NOW + timedelta(days=5))
    assert _in_force(store, TODAY + timedelta(days=4)) == {"b": 20}  # the history stays: in force until ended
    assert _in_force(store, TODAY + timedelta(days=5)) == {}
    assert not end_override(store, "b", by="ana", today=TODAY + timedelta(days=6), now=NOW + timedelta(days=6))


def test_a_new_override_replaces_the_one_in_force(store):
    _set(store, "a", 80, TODAY + timedelta(days=10))
    _set(store, "a", 35, TODAY + timedelta(days=10), now=NOW + timedelta(hours=1))
    assert _in_force(store, TODAY) == {"a": 35}
    assert store.fetchall("SELECT action FROM score_override_audit ORDER BY changed_at, action") == [
        ("set",), ("replaced",), ("set",)]


@pytest.mark.parametrize("changed, field", [
    ({"score": 101}, "score"), ({"reason": "  "}, "reason"), ({"expires_on": TODAY}, "expires_on"),
    ({"expires_on": TODAY + timedelta(days=400)}, "expires_on"),
])
def test_a_bad_override_is_refused_naming_the_field(store, changed, field):
    changed = dict(changed)
    with pytest.raises(NabdError, match=f"^{field}:"):
        _set(store, "a", changed.pop("score", 50), changed.pop("expires_on", TODAY + timedelta(days=5)), **changed)
    assert store.scalar("SELECT count(*) FROM score_overrides") == 0
