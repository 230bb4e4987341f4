"""Keep ``activity_daily`` in step with ``events``: recompute the (account, day) pairs a batch touched.

activity_daily(account_id, contact_id, day, event_type) = (events: count(*),
value_sum: sum(coalesce(value, 0))) over events with that account, contact ('' for none), event
type and day = date of ts in UTC. Refreshing deletes the touched pairs' rows and recomputes them
from ``events``, so it is exact however often it runs.

event_types(event_type) = first_day: the earliest day an event of the type was recorded on. Every
writer of events records its batch's types (:func:`record_event_types`) in the same transaction, and
events are never deleted, so a type stays once recorded (an event corrected to a later day leaves
first_day where it was); a full refresh recomputes it from activity_daily: min(day) per type.
"""

from __future__ import annotations

import uuid

import ibis

from nabd.store import Store

TOUCHED_DAYS = "nabd_activity_days"

_ROLLUP = (
    "SELECT events.account_id, coalesce(events.contact_id, '') AS contact_id,"
    " CAST(events.ts AS DATE) AS day, events.event_type, count(*) AS events,"
    " sum(coalesce(events.value, 0)) AS value_sum FROM {source} AS events"
)
# Rows go in in key order: DuckDB maintains activity_daily's primary key far faster that way.
_GROUPS = (
    " GROUP BY events.account_id, coalesce(events.contact_id, ''), CAST(events.ts AS DATE), events.event_type"
    " ORDER BY 1, 2, 3, 4"
)


def refresh_activity_daily(store: Store, days: ibis.Table | None = None) -> None:
    """Recompute activity_daily rows for the (account_id, day) pairs touched (or all when None).

    ``days`` is an Ibis table with ``account_id`` and ``day`` columns (a memtable or an expression
    over the store's tables).
    """
    if days is None:
        with store.transaction():
            store.execute("DELETE FROM activity_daily")
            store.execute(f"INSERT INTO activity_daily {_ROLLUP.format(source='events')}{_GROUPS}")
            store.execute("DELETE FROM event_types")
            record_event_types(store, "SELECT event_type, day FROM activity_daily")
        return
    pairs = f"nabd_activity_pairs_{uuid.uuid4().hex[:8]}"
    store.ibis.create_table(pairs, days.select("account_id", "day"), temp=True)
    try:
        with store.transaction():
            collect_touched_days(store, f"SELECT account_id, CAST(day AS DATE) AS day FROM {pairs}")
            rebuild_touched_days(store)
    finally:
        store.execute(f"DROP TABLE IF EXISTS {pairs}")


def collect_touched_days(store: Store, pairs_sql: str) -> None:
    """Remember the distinct (account_id, day) pairs of ``pairs_sql`` for :func:`rebuild_touched_days`."""
    store.execute(f"DROP TABLE IF EXISTS {TOUCHED_DAYS}")
    store.execute(f"CREATE TEMP TABLE {TOUCHED_DAYS} AS SELECT DISTINCT account_id, day FROM ({pairs_sql}) AS pairs")


def rebuild_touched_days(store: Store) -> None:
    """Delete and recompute the activity_daily rows of the remembered pairs (inside the caller's transaction)."""
    store.execute(
        f"DELETE FROM activity_daily WHERE EXISTS (SELECT 1 FROM {TOUCHED_DAYS} AS touched"
        " WHERE touched.account_id = activity_daily.account_id AND touched.day = activity_daily.day)"
    )
    store.execute(
        f"INSERT INTO activity_daily {_ROLLUP.format(source='events')}"
        f" JOIN {TOUCHED_DAYS} AS touched ON touched.account_id = events.account_id"
        f" AND touched.day = CAST(events.ts AS DATE){_GROUPS}"
    )
    store.execute(f"DROP TABLE {TOUCHED_DAYS}")


def add_rollup(store: Store, events_sql: str) -> None:
    """Insert the activity_daily rows of the events of ``events_sql`` (same columns as events).

    Only for a batch whose (account_id, day) pairs have no activity_daily rows and no other
    events yet, e.g. the first load into an empty events table: then their rollup is the batch's own.
    """
    store.execute(f"INSERT INTO activity_daily {_ROLLUP.format(source=f'({events_sql})')}{_GROUPS}")


def record_event_types(store: Store, rows_sql: str) -> None:
    """Add to event_types the types of ``rows_sql`` (columns event_type, day) not recorded before, and move
    a type's first_day back when the rows hold an earlier day (a late or back-filled event)."""
    store.execute(
        "INSERT INTO event_types (event_type, first_day)"
        f" SELECT event_type, min(day) FROM ({rows_sql}) AS batch GROUP BY event_type"
        " ON CONFLICT (event_type) DO UPDATE SET first_day = excluded.first_day"
        " WHERE excluded.first_day < event_types.first_day"
    )
