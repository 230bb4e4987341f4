"""Keep ``activity_daily`` in step with ``events``: recompute the (account, day) pairs a batch touched.

activity_daily(account_id, contact_id, day, event_type) = (events: count(*),
value_sum: sum(coalesce(value, 0))) over events with that account, contact ('' for none), event
type and day = the local day of ts in the company's timezone (nabd.store.calendar). Refreshing
deletes the touched pairs' rows and recomputes them from ``events``, so it is exact however often it
runs. The zone the days were counted in is recorded (nabd_meta); when NABD_TIMEZONE names another,
the next writer (or :func:`follow_timezone` when a command opens the store) recounts every day.

event_types(event_type) = first_day: the earliest day an event of the type was recorded on. Every
writer of events records its batch's types (:func:`record_event_types`) in the same transaction, and
events are never deleted, so a type stays once recorded (an event corrected to a later day leaves
first_day where it was); a full refresh recomputes it from activity_daily: min(day) per type.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

import ibis

from nabd.store import Store
from nabd.store.calendar import company_zone, is_utc, local_day_sql, record_rolled_up_zone, rolled_up_zone

TOUCHED_DAYS = "nabd_activity_days"
ZoneAnnouncement = Callable[[str], None]


def event_day(column: str = "ts") -> str:
    """SQL for the day an event with timestamp ``column`` counts on: its local day in the company's zone."""
    return local_day_sql(column)


def _rollup(source: str) -> str:
    return (
        "SELECT events.account_id, coalesce(events.contact_id, '') AS contact_id,"
        f" {event_day('events.ts')} AS day, events.event_type, count(*) AS events,"
        f" sum(coalesce(events.value, 0)) AS value_sum FROM {source} AS events"
    )


def _groups() -> str:
    # Rows go in sorted by account, so one account's rows share row groups. Sorting by the whole key (for
    # DuckDB's old primary key, gone in 0021) cost ~0.3 CPU-s more per 1M events (benchmarks/RESULTS.md).
    return (
        f" GROUP BY events.account_id, coalesce(events.contact_id, ''), {event_day('events.ts')}, events.event_type"
        " ORDER BY 1"
    )


def refresh_activity_daily(store: Store, days: ibis.Table | None = None) -> None:
    """Recompute activity_daily rows for the (account_id, day) pairs touched (or all when None).

    ``days`` is an Ibis table with ``account_id`` and ``day`` columns (a memtable or an expression
    over the store's tables).
    """
    if days is None:
        with store.transaction():
            _recount_every_day(store)
        return
    pairs = f"nabd_activity_pairs_{uuid.uuid4().hex[:8]}"
    store.ibis.create_table(pairs, days.select("account_id", "day"), temp=True)
    try:
        with store.transaction():
            collect_touched_days(store, f"SELECT account_id, CAST(day AS DATE) AS day FROM {pairs}")
            rebuild_touched_days(store)
    finally:
        store.execute(f"DROP TABLE IF EXISTS {pairs}")


def _recount_every_day(store: Store) -> None:
    """Rebuild activity_daily and event_types from every event, in the company's zone (in the caller's transaction)."""
    zone = company_zone()
    store.execute("DELETE FROM activity_daily")
    store.execute(f"INSERT INTO activity_daily {_rollup('events')}{_groups()}")
    store.execute("DELETE FROM event_types")
    record_event_types(store, "SELECT event_type, day FROM activity_daily")
    record_rolled_up_zone(store, zone)


def zone_change(store: Store) -> tuple[str, str] | None:
    """(old zone, new zone) when activity_daily's days were counted in another zone than NABD_TIMEZONE's."""
    old, new = rolled_up_zone(store), company_zone()
    return None if old == new or (is_utc(old) and is_utc(new)) else (old, new)


def follow_zone(store: Store) -> tuple[str, str] | None:
    """Recount every day when the company's zone changed since activity_daily was counted (in the
    caller's transaction); the (old, new) zones when it did. Writers call it before adding their rows."""
    changed = zone_change(store)
    if changed is not None:
        _recount_every_day(store)
    return changed


def follow_timezone(store: Store, announce: ZoneAnnouncement | None = None) -> bool:
    """Recount activity_daily in its own transaction if NABD_TIMEZONE changed since it was counted, telling
    ``announce`` in one line when there was activity to recount; whether it recounted. For opening a store."""
    if zone_change(store) is None:
        return False
    with store.transaction():
        changed = follow_zone(store)
    had_activity = bool(store.scalar("SELECT EXISTS (SELECT 1 FROM activity_daily)"))
    if changed is not None and had_activity and announce is not None:
        announce(f"NABD_TIMEZONE changed from {changed[0]} to {changed[1]}: recounted the daily activity in {changed[1]} days")
    return changed is not None


def collect_touched_days(store: Store, pairs_sql: str) -> None:
    """Remember the distinct (account_id, day) pairs of ``pairs_sql`` for :func:`rebuild_touched_days`
    (first recounting every day if the company's zone changed: the pairs are days in the new zone)."""
    follow_zone(store)
    store.execute(f"DROP TABLE IF EXISTS {TOUCHED_DAYS}")
    store.execute(f"CREATE TEMP TABLE {TOUCHED_DAYS} AS SELECT DISTINCT account_id, day FROM ({pairs_sql}) AS pairs")


def rebuild_touched_days(store: Store) -> None:
    """Delete and recompute the activity_daily rows of the remembered pairs (inside the caller's transaction)."""
    store.execute(
        f"DELETE FROM activity_daily WHERE EXISTS (SELECT 1 FROM {TOUCHED_DAYS} AS touched"
        " WHERE touched.account_id = activity_daily.account_id AND touched.day = activity_daily.day)"
    )
    store.execute(
        f"INSERT INTO activity_daily {_rollup('events')}"
        f" JOIN {TOUCHED_DAYS} AS touched ON touched.account_id = events.account_id"
        f" AND touched.day = {event_day('events.ts')}{_groups()}"
    )
    store.execute(f"DROP TABLE {TOUCHED_DAYS}")


def add_rollup(store: Store, events_sql: str) -> None:
    """Insert the activity_daily rows of the events of ``events_sql`` (same columns as events).

    Only for a batch whose (account_id, day) pairs have no activity_daily rows and no other
    events yet, e.g. the first load into an empty events table: then their rollup is the batch's own,
    and all of activity_daily is counted in the company's current zone.
    """
    store.execute(f"INSERT INTO activity_daily {_rollup(f'({events_sql})')}{_groups()}")
    record_rolled_up_zone(store, company_zone())


def record_event_types(store: Store, rows_sql: str) -> None:
    """Add to event_types the types of ``rows_sql`` (columns event_type, day) not recorded before, and move
    a type's first_day back when the rows hold an earlier day (a late or back-filled event)."""
    store.execute(
        "INSERT INTO event_types (event_type, first_day)"
        f" SELECT event_type, min(day) FROM ({rows_sql}) AS batch GROUP BY event_type"
        " ON CONFLICT (event_type) DO UPDATE SET first_day = excluded.first_day"
        " WHERE excluded.first_day < event_types.first_day"
    )
