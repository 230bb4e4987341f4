"""Rows that DuckDB reads (files, journal segments, Arrow tables) written into the store.

On a DuckDB store, DuckDB reads with the store's own connection, so its temp tables are the store's and
nothing is copied. On PostgreSQL an in-memory DuckDB reads, writes the rows to a temporary CSV file, and
psycopg streams that file in with ``COPY ... FROM STDIN``, a block at a time (DESIGN.md: bulk loads).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from nabd.store.connection import Store
from nabd.store.sql import string_literal

COPY_BLOCK = 1 << 20  # bytes streamed per write


@contextmanager
def duckdb_reader(store: Store) -> Iterator[duckdb.DuckDBPyConnection]:
    """The DuckDB connection that reads files for ``store``: its own connection on DuckDB, an in-memory
    one on PostgreSQL (closed on exit; it never downloads an extension)."""
    if store.kind == "duckdb":
        yield store.raw
        return
    reader = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": True})
    try:
        yield reader
    finally:
        reader.close()


def copy_from_duckdb(
    store: Store, reader: duckdb.DuckDBPyConnection, select: str, target: str, columns: list[str] | None = None,
) -> None:
    """Insert the rows of ``select`` (run by ``reader``) into the PostgreSQL table ``target`` (its ``columns``
    in the select's order, or all of them) with COPY, in the caller's transaction."""
    listed = f" ({', '.join(columns)})" if columns else ""
    with tempfile.TemporaryDirectory(prefix="nabd-copy-") as folder:
        csv_path = Path(folder) / "rows.csv"
        reader.execute(f"COPY ({select}) TO {string_literal(csv_path)} (FORMAT csv, HEADER)")
        with store.raw.cursor() as cursor, csv_path.open("rb") as rows:
            with cursor.copy(f"COPY {target}{listed} FROM STDIN (FORMAT csv, HEADER)") as copy:
                while block := rows.read(COPY_BLOCK):
                    copy.write(block)
