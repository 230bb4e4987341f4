"""Manual score overrides: a CSM replaces an account's score for a while, with a reason, an owner and an
expiry date, and every change is kept in an audit log (``score_overrides``, ``score_override_audit``).

The one definition of "in force": an override is in force on day d when
``starts_on <= d < expires_on`` and it was not ended on or before d (``ended_on``), so it expires by
itself. Its score and band are shown instead of the computed ones (which stay stored and are shown
beside); ``nabd score backtest`` measures the scores with and without them.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime, timedelta
from typing import Any

import ibis

from nabd.errors import NabdError
from nabd.store import Store
from nabd.store.window import as_of_value

MAX_DAYS = 366  # an override lasts at most a year: a longer one is no longer an exception
OVERRIDE_COLUMNS = ("override_id", "account_id", "score", "band", "reason", "owner", "starts_on", "expires_on")


def in_force(overrides: ibis.Table, day: ibis.DateValue | ibis.Value) -> ibis.BooleanValue:
    """starts_on <= day < expires_on, and not ended on or before day."""
    return ((overrides.starts_on <= day) & (overrides.expires_on > day)
            & (overrides.ended_on.isnull() | (overrides.ended_on > day)))


def overrides_in_force(store: Store, day: date | ibis.DateValue) -> ibis.Table:
    """One row per account with an override in force on ``day`` (the newest when several were): OVERRIDE_COLUMNS."""
    overrides = store.table("score_overrides")
    current = overrides.filter(in_force(overrides, as_of_value(day)))
    newest = current.group_by("account_id").aggregate(created_at=current.created_at.max())
    return current.semi_join(newest, ["account_id", "created_at"]).select(*OVERRIDE_COLUMNS)


def overrides_on_days(store: Store, days: list[date]) -> ibis.Table:
    """(as_of, account_id, score): the override in force on each day of ``days`` (the backtest's as-of dates)."""
    on = ibis.memtable({"as_of": days}, schema={"as_of": "date"})
    overrides = store.table("score_overrides")
    current = overrides.join(on, in_force(overrides, on.as_of))
    newest = current.group_by("as_of", "account_id").aggregate(created_at=current.created_at.max())
    return current.semi_join(newest, ["as_of", "account_id", "created_at"]).select("as_of", "account_id", "score")


def current_override(store: Store, account_id: str, day: date) -> dict[str, Any] | None:
    """The override in force on ``day`` for ``account_id``, or None."""
    found = store.records(
        f"SELECT {', '.join(OVERRIDE_COLUMNS)}, created_at FROM score_overrides WHERE account_id = ? "
        "AND starts_on <= ? AND expires_on > ? AND (ended_on IS NULL OR ended_on > ?) "
        "ORDER BY created_at DESC LIMIT 1", [account_id, day, day, day],
    )
    return found[0] if found else None


def override_audit(store: Store, account_id: str, limit: int = 50) -> list[dict[str, Any]]:
    """The account's override audit log, newest first: action (set, replaced, ended), by_login, changed_at, detail (JSON)."""
    rows = store.records(
        "SELECT override_id, action, by_login, changed_at, detail FROM score_override_audit WHERE account_id = ? "
        "ORDER BY changed_at DESC, audit_id LIMIT ?", [account_id, limit],
    )
    return [{**row, "detail": json.loads(row["detail"])} for row in rows]


def set_override(
    store: Store, account_id: str, *, score: int, band: str | None, scorecard_version: str | None, reason: str,
    owner: str, expires_on: date, by: str, today: date, now: datetime,
) -> str:
    """Put an override in force from ``today`` until ``expires_on`` (exclusive), replacing the one in force;
    returns its id. A score outside 0-100, an empty reason or an expiry not after today (or more than a year
    ahead) is a NabdError naming the field."""
    if not 0 <= score <= 100:
        raise NabdError("score: an override is a score from 0 to 100")
    reason = reason.strip()
    if not reason:
        raise NabdError("reason: say why the score is overridden")
    if expires_on <= today:
        raise NabdError(f"expires_on: the expiry date must be after today ({today})")
    if expires_on > today + timedelta(days=MAX_DAYS):
        raise NabdError(f"expires_on: an override lasts at most {MAX_DAYS} days (until {today + timedelta(days=MAX_DAYS)})")
    override_id = uuid.uuid4().hex[:16]
    with store.transaction():
        replaced = current_override(store, account_id, today)
        if replaced is not None:
            _end(store, replaced, by, today, now, "replaced")
        store.execute(
            "INSERT INTO score_overrides (override_id, account_id, score, band, scorecard_version, reason, owner, "
            "starts_on, expires_on, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [override_id, account_id, score, band, scorecard_version, reason, owner, today, expires_on, now],
        )
        _audit(store, override_id, account_id, "set", by, now, {
            "score": score, "band": band, "reason": reason, "owner": owner, "expires_on": expires_on.isoformat(),
        })
    return override_id


def end_override(store: Store, account_id: str, *, by: str, today: date, now: datetime) -> bool:
    """End the override in force on ``account_id`` now (the computed score shows again); False when none is."""
    with store.transaction():
        found = current_override(store, account_id, today)
        if found is None:
            return False
        _end(store, found, by, today, now, "ended")
    return True


def _end(store: Store, override: dict[str, Any], by: str, today: date, now: datetime, action: str) -> None:
    store.execute("UPDATE score_overrides SET ended_on = ?, ended_at = ?, ended_by = ? WHERE override_id = ?",
                  [today, now, by, override["override_id"]])
    _audit(store, override["override_id"], override["account_id"], action, by, now,
           {"score": override["score"], "reason": override["reason"]})


def _audit(store: Store, override_id: str, account_id: str, action: str, by: str, now: datetime,
           detail: dict[str, Any]) -> None:
    store.execute(
        "INSERT INTO score_override_audit (audit_id, override_id, account_id, action, by_login, changed_at, detail) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [uuid.uuid4().hex, override_id, account_id, action, by, now, json.dumps(detail, ensure_ascii=False)],
    )
