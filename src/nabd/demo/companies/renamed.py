"""Rename every event type of a store at random (deterministic by seed), so tests and benchmarks can
check that nothing in Nabd depends on the names a company gives its events."""

from __future__ import annotations

import hashlib

from nabd.ingest.activity import refresh_activity_daily
from nabd.store import Store

MAPPING = "nabd_renamed_event_types"


def random_event_names(names: list[str], seed: int) -> dict[str, str]:
    """A new name for each event type: ``ev_`` + 10 hex digits of sha256(seed:name), none equal to an old name."""
    renamed = {name: "ev_" + hashlib.sha256(f"{seed}:{name}".encode()).hexdigest()[:10] for name in names}
    if len(set(renamed.values())) != len(renamed) or set(renamed.values()) & set(names):
        raise ValueError(f"seed {seed} gives two event types the same new name: choose another seed")
    return renamed


def rename_event_types(store: Store, seed: int = 1) -> dict[str, str]:
    """Rename every event type in ``events`` (then rebuild ``activity_daily`` and ``event_types`` from it);
    return the mapping old -> new. Counts per account, day and type are unchanged, only the names."""
    names = [name for (name,) in store.fetchall("SELECT DISTINCT event_type FROM events ORDER BY 1")]
    renamed = random_event_names(names, seed)
    store.execute(f"DROP TABLE IF EXISTS {MAPPING}")
    store.execute(f"CREATE TEMP TABLE {MAPPING} (old_name TEXT PRIMARY KEY, new_name TEXT NOT NULL)")
    try:
        for old, new in renamed.items():
            store.execute(f"INSERT INTO {MAPPING} VALUES (?, ?)", [old, new])
        with store.transaction():
            store.execute(f"UPDATE events SET event_type = (SELECT m.new_name FROM {MAPPING} m"
                          " WHERE m.old_name = events.event_type)")
        refresh_activity_daily(store)
    finally:
        store.execute(f"DROP TABLE IF EXISTS {MAPPING}")
    return renamed
