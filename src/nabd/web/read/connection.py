"""The web's one "second read connection": for a long read (a backtest, the dashboards computed
ahead) that must not hold the app's store lock meanwhile."""

from __future__ import annotations

import ibis

from nabd.store import Store, connect


def reading_store(store: Store) -> Store:
    """A second connection to ``store``'s database (DuckDB: a cursor of the same database, so it sees
    the app's writes; PostgreSQL: a new connection). The caller holds the app's store lock, and closes it."""
    if store.kind == "duckdb":
        raw = store.raw.cursor()
        raw.execute("SET enable_progress_bar = false")
        return Store(store.url, ibis.duckdb.from_connection(raw))
    return connect(store.url)
