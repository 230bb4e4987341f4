"""Write a validated batch to the store in one transaction: upsert good rows, quarantine bad ones.

The upsert is portable SQL over a stage table holding the good rows: ``UPDATE ... FROM`` for keys
that exist with different values, ``INSERT ... SELECT ... WHERE NOT EXISTS`` for new keys (a plain
``INSERT ... SELECT`` when none of the keys is stored, and no join at all into an empty table). On a
DuckDB store the stage is the reader's temp table on the same connection; on PostgreSQL DuckDB
writes the rows into it with COPY (nabd.store.copying).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb

from nabd.ingest.activity import add_rollup, collect_touched_days, event_day, rebuild_touched_days, record_event_types
from nabd.ingest.tables import ImportableTable
from nabd.ingest.validation import BAD, GOOD
from nabd.store import Store
from nabd.store.clock import utc_now
from nabd.store.copying import copy_from_duckdb

POSTGRES_STAGE = "nabd_ingest_stage"
_QUARANTINE_COLUMNS = ("import_id", "source", "table_name", "line", "row_as_received", "error", "received_at")


@dataclass(frozen=True)
class WriteCounts:
    inserted: int
    updated: int
    unchanged: int


@dataclass(frozen=True)
class ImportRecord:
    """What the ``imports`` row says about one file."""

    import_id: str
    table: str
    source: str
    file_format: str
    rows_read: int
    quarantined: int
    started_at: datetime


def write_batch(
    store: Store, reader: duckdb.DuckDBPyConnection, table: ImportableTable, columns: list[str],
    record: ImportRecord,
) -> WriteCounts:
    """Upsert ``GOOD``, quarantine ``BAD`` and record the import, all in one transaction."""
    with store.transaction():
        if store.kind == "postgres":
            store.execute(
                f"CREATE TEMP TABLE {POSTGRES_STAGE} ON COMMIT DROP AS"
                f" SELECT {', '.join(columns)} FROM {table.name} WITH NO DATA"
            )
            copy_from_duckdb(store, reader, f"SELECT * FROM {GOOD}", POSTGRES_STAGE, columns)
            stage = POSTGRES_STAGE
        else:
            stage = GOOD
        counts = _upsert(store, table, columns, stage)
        _quarantine(store, reader, record)
        store.execute(
            "INSERT INTO imports (import_id, table_name, source, file_format, rows_read, inserted,"
            " updated, unchanged, quarantined, started_at, finished_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [record.import_id, record.table, record.source, record.file_format, record.rows_read,
             counts.inserted, counts.updated, counts.unchanged, record.quarantined,
             record.started_at, utc_now()],
        )
    return counts


def _upsert(store: Store, table: ImportableTable, columns: list[str], stage: str) -> WriteCounts:
    target = table.name
    matches = " AND ".join(f"{target}.{k} = stage.{k}" for k in table.key)
    values = [c for c in columns if c not in table.key]
    differs = " OR ".join(
        f"{_comparable(table, target, c)} IS DISTINCT FROM {_comparable(table, 'stage', c)}" for c in values
    ) or "FALSE"
    first_key = table.key[0]
    if _has_rows(store, target):
        inserted, updated, total = store.fetchall(
            f"SELECT sum(CASE WHEN {target}.{first_key} IS NULL THEN 1 ELSE 0 END),"
            f" sum(CASE WHEN {target}.{first_key} IS NOT NULL AND ({differs}) THEN 1 ELSE 0 END), count(*)"
            f" FROM {stage} AS stage LEFT JOIN {target} ON {matches}"
        )[0]
        inserted, updated, total = int(inserted or 0), int(updated or 0), int(total or 0)
        first_load = False
    else:  # an empty table: every row is new, no join needed
        total = int(store.scalar(f"SELECT count(*) FROM {stage}"))
        inserted, updated = total, 0
        # no stored event nor activity row: the batch's own rollup is all the activity of its days
        first_load = table.name == "events" and not _has_rows(store, "activity_daily")
    refresh_activity = table.name == "events" and bool(inserted or updated)
    if refresh_activity and not first_load:
        collect_touched_days(store, _touched_days(stage, updated))
    if updated:
        assignments = ", ".join(f"{c} = stage.{c}" for c in values)
        store.execute(f"UPDATE {target} SET {assignments} FROM {stage} AS stage WHERE {matches} AND ({differs})")
    if inserted:
        listed = ", ".join(columns)
        new_only = f" WHERE NOT EXISTS (SELECT 1 FROM {target} WHERE {matches})" if inserted < total else ""
        store.execute(
            f"INSERT INTO {target} ({listed}) SELECT {', '.join(f'stage.{c}' for c in columns)}"
            f" FROM {stage} AS stage{new_only}"
        )
    if refresh_activity and first_load:
        add_rollup(store, _stored_events(stage, columns))
    elif refresh_activity:
        rebuild_touched_days(store)
    if refresh_activity:
        record_event_types(store, f"SELECT event_type, {event_day()} AS day FROM {stage}")
    return WriteCounts(inserted, updated, total - inserted - updated)


def _stored_events(stage: str, columns: list[str]) -> str:
    """The batch's events as the events table holds them: a column the file lacks is NULL."""
    nulls = {"contact_id": "CAST(NULL AS TEXT)", "value": "CAST(NULL AS DOUBLE PRECISION)"}
    kept = [c if c in columns else f"{nulls[c]} AS {c}" for c in ("account_id", "contact_id", "event_type", "ts", "value")]
    return f"SELECT {', '.join(kept)} FROM {stage}"


def _has_rows(store: Store, table: str) -> bool:
    return bool(store.scalar(f"SELECT EXISTS (SELECT 1 FROM {table})"))


def _touched_days(stage: str, updated: int) -> str:
    """(account_id, day) pairs of the batch's events, and of the stored events they replace.

    A stored event the batch leaves unchanged has the same account and day as its batch row, so
    stored events need looking up only when some are updated.
    """
    pairs = f"SELECT account_id, {event_day()} AS day FROM {stage}"
    if not updated:
        return pairs
    return (
        f"{pairs} UNION SELECT account_id, {event_day()} FROM events"
        f" WHERE event_id IN (SELECT event_id FROM {stage})"
    )


def _comparable(table: ImportableTable, alias: str, column: str) -> str:
    """JSON has no equality operator on PostgreSQL: compare its text."""
    if table.column(column).type == "json":
        return f"CAST({alias}.{column} AS TEXT)"
    return f"{alias}.{column}"


def _quarantine(store: Store, reader: duckdb.DuckDBPyConnection, record: ImportRecord) -> None:
    constants = [record.import_id, record.source, record.table, utc_now()]
    select = (
        "SELECT ? AS import_id, ? AS source, ? AS table_name, line, row_as_received, error,"
        f" CAST(? AS TIMESTAMP) AS received_at FROM {BAD}"
    )
    if store.kind == "duckdb":
        store.execute(f"INSERT INTO quarantine ({', '.join(_QUARANTINE_COLUMNS)}) {select}", constants)
    elif record.quarantined:
        reader.execute(f"CREATE OR REPLACE TEMP TABLE nabd_ingest_quarantine AS {select}", constants)
        copy_from_duckdb(store, reader, "SELECT * FROM nabd_ingest_quarantine", "quarantine", list(_QUARANTINE_COLUMNS))
        reader.execute("DROP TABLE nabd_ingest_quarantine")

