"""Rows refused by imports, as kept in ``quarantine``: list them, or export them to fix and re-import."""

from __future__ import annotations

from pathlib import Path

import duckdb
import ibis

from nabd.errors import NabdError
from nabd.store import Store
from nabd.store.sql import string_literal

QUARANTINE_COLUMNS = ("import_id", "table_name", "source", "line", "error", "row_as_received", "received_at")


def list_quarantine(
    store: Store, table: str | None = None, import_id: str | None = None, limit: int | None = None,
) -> ibis.Table:
    """Quarantined rows, oldest first, optionally of one table and/or one import."""
    rows = store.table("quarantine")
    if table is not None:
        rows = rows.filter(rows.table_name == table)
    if import_id is not None:
        rows = rows.filter(rows.import_id == import_id)
    rows = rows.order_by(rows.id).select(*QUARANTINE_COLUMNS)
    return rows.limit(limit) if limit is not None else rows


def export_quarantine(rows: ibis.Table, path: str | Path) -> int:
    """Write ``rows`` to a .csv or .jsonl file (chosen by the extension); return how many."""
    path = Path(path)
    formats = {".csv": "(FORMAT csv, HEADER)", ".jsonl": "(FORMAT json)", ".ndjson": "(FORMAT json)"}
    options = formats.get(path.suffix.lower())
    if options is None:
        raise NabdError(f"cannot export quarantine to {path}: use a .csv or .jsonl file name")
    if not path.parent.is_dir():
        raise NabdError(f"cannot export quarantine to {path}: there is no folder {path.parent}")
    exported = rows.to_pyarrow()  # noqa: F841 - read by DuckDB below, by name
    with duckdb.connect() as writer:
        try:
            writer.execute(f"COPY (SELECT * FROM exported) TO {string_literal(path)} {options}")
        except duckdb.IOException as error:  # no permission, a full disk...
            reason = str(error).strip().splitlines()[0].removeprefix("IO Error: ")
            raise NabdError(f"cannot export quarantine to {path}: {reason}") from None
    return exported.num_rows
