"""Import CSV, Parquet and JSON Lines files into a canonical table: read, validate, write.

DuckDB reads and checks each file (the store's own connection on a DuckDB store, an in-memory
DuckDB on PostgreSQL), then one transaction writes its good rows, quarantines its bad ones with
the reason and records the import. A file that cannot be used at all is refused with one
:class:`~nabd.errors.NabdError` and nothing is written. Loading only: what follows an import (the
analysis of its comments) is the caller's (:mod:`nabd.pipeline.imports`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from nabd.errors import NabdError
from nabd.ingest.reading import CSV_REJECTS, KEPT_LINES, RAW, file_format, stage_file
from nabd.ingest.tables import IMPORTABLE_TABLES, ImportableTable
from nabd.ingest.validation import GOOD, drop_checked, split_rows, written_columns
from nabd.ingest.writing import ImportRecord, write_batch
from nabd.store import Store
from nabd.store.clock import utc_now
from nabd.store.copying import duckdb_reader

Progress = Callable[[str, int, int], None]
Written = Callable[[duckdb.DuckDBPyConnection, str], None]  # (reader, relation of the rows written)
KNOWN_ACCOUNTS = "nabd_ingest_known_accounts"


@dataclass(frozen=True)
class ImportSummary:
    """What happened to one file: rows read, and where each went."""

    table: str
    source: str
    file_format: str
    rows_read: int
    inserted: int
    updated: int
    unchanged: int
    quarantined: int
    import_id: str
    ignored_columns: tuple[str, ...]


def importable_table(name: str) -> ImportableTable:
    """The table ``name`` as an import target, or a refusal listing the tables Nabd imports."""
    try:
        return IMPORTABLE_TABLES[name.strip().lower()]
    except KeyError:
        raise NabdError(
            f"{name!r} is not a table Nabd imports: use one of {', '.join(IMPORTABLE_TABLES)}"
        ) from None


def import_file(
    store: Store, table: str, path: str | Path, *, progress: Progress | None = None, written: Written | None = None,
) -> ImportSummary:
    """Import one file into ``table``; bad rows go to quarantine, the good ones land. ``written`` is then
    called with the reader and the name of its relation of the rows written (before it is dropped)."""
    target = importable_table(table)
    path = Path(path)
    file_format(path)
    report = progress or (lambda stage, done, total: None)
    started_at = utc_now()
    import_id = f"{started_at:%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"
    with _reader(store) as reader:
        report("read", 0, 0)
        staged = stage_file(reader, target, path)
        rows_read = staged.rows + staged.csv_rejects
        report("read", rows_read, rows_read)
        report("validate", 0, rows_read)
        known = _known_accounts(store, reader) if target.needs_known_account else None
        good, bad = split_rows(reader, target, staged, known)
        report("validate", rows_read, rows_read)
        report("write", 0, good + bad)
        record = ImportRecord(import_id, target.name, str(path), staged.file_format, rows_read, bad, started_at)
        counts = write_batch(store, reader, target, written_columns(target, staged), record)
        report("write", good + bad, good + bad)
        if written is not None:
            written(reader, GOOD)
    return ImportSummary(
        table=target.name, source=str(path), file_format=staged.file_format, rows_read=rows_read,
        inserted=counts.inserted, updated=counts.updated, unchanged=counts.unchanged,
        quarantined=bad, import_id=import_id, ignored_columns=staged.ignored,
    )


def import_files(
    store: Store, table: str, paths: Sequence[str | Path], *, progress: Progress | None = None,
) -> list[ImportSummary]:
    """Import each file in turn (each in its own transaction), after checking all names and formats."""
    importable_table(table)
    for path in paths:
        file_format(Path(path))
        if not Path(path).is_file():
            raise NabdError(f"{path} does not exist or is not a file")
    return [import_file(store, table, path, progress=progress) for path in paths]


@contextmanager
def _reader(store: Store) -> Iterator[duckdb.DuckDBPyConnection]:
    """The DuckDB connection that reads and checks files (:func:`duckdb_reader`); its staging tables go when done."""
    with duckdb_reader(store) as reader:
        try:
            yield reader
        finally:
            if store.kind == "duckdb":  # an in-memory reader takes its tables with it
                drop_checked(reader)
                for name in (RAW, CSV_REJECTS, KEPT_LINES):
                    reader.execute(f"DROP TABLE IF EXISTS {name}")


def _known_accounts(store: Store, reader: duckdb.DuckDBPyConnection) -> str:
    """A relation of the reader holding the store's account ids."""
    if store.kind == "duckdb":
        return "accounts"
    ids = store.table("accounts").select("account_id").to_pyarrow()
    reader.register(KNOWN_ACCOUNTS, ids)
    return KNOWN_ACCOUNTS
