"""Read one import file into a DuckDB temp table of text values, or refuse the file as a whole.

DuckDB's own readers do the work (``read_csv``, ``read_parquet``, ``read_json``). The staged
table keeps the file's columns as received, every value as text, in file order, so ``rowid``
numbers the data rows. A CSV line DuckDB cannot split into the header's columns is kept aside
with its line number and DuckDB's reason, to be quarantined with the rest.
"""

from __future__ import annotations

import codecs
import gzip
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import duckdb

from nabd.errors import NabdError
from nabd.ingest.tables import ImportableTable
from nabd.store.sql import string_literal

FileFormat = Literal["csv", "parquet", "jsonl"]

RAW = "nabd_ingest_raw"
CSV_REJECTS = "nabd_ingest_csv_rejects"
KEPT_LINES = "nabd_ingest_kept_lines"  # CSV only, when lines were set aside: kept_index -> line
_REJECT_SCANS = "nabd_ingest_csv_reject_scans"
_REJECT_ERRORS = "nabd_ingest_csv_reject_errors"  # DuckDB's: one row per problem, several per line
_SUFFIXES: dict[str, FileFormat] = {
    ".csv": "csv", ".csv.gz": "csv", ".parquet": "parquet", ".jsonl": "jsonl", ".ndjson": "jsonl",
}
_FOREIGN_DELIMITERS = {";": "';'", "\t": "a tab", "|": "'|'"}
_HEAD_BYTES = 1 << 16


@dataclass(frozen=True)
class StagedFile:
    """A file read into ``RAW``: its format, its columns matched to the table's, its size."""

    path: str
    file_format: FileFormat
    matched: dict[str, str]  # canonical column -> column name as received
    received: tuple[str, ...]
    types: dict[str, str]  # column name as received -> its DuckDB type (VARCHAR but for Parquet)
    ignored: tuple[str, ...]
    rows: int
    csv_rejects: int  # CSV lines with the wrong number of fields, in CSV_REJECTS


def file_format(path: Path) -> FileFormat:
    """The format named by the file's extension, or a refusal listing the ones Nabd reads."""
    name = path.name.lower()
    for suffix, kind in _SUFFIXES.items():
        if name.endswith(suffix):
            return kind
    raise NabdError(
        f"{path} has an extension Nabd does not read: use .csv (or .csv.gz), .parquet, .jsonl or .ndjson"
    )


def stage_file(reader: duckdb.DuckDBPyConnection, table: ImportableTable, path: Path) -> StagedFile:
    """Read ``path`` into the temp table ``RAW`` of ``reader``; refuse it whole if it is unusable."""
    kind = file_format(path)
    if not path.is_file():
        raise NabdError(f"{path} does not exist or is not a file")
    if path.stat().st_size == 0:
        raise NabdError(f"{path} is empty")
    if kind != "parquet":
        _check_utf8_head(path)
    source = string_literal(path)
    rejects = 0
    try:
        if kind == "csv":
            _drop(reader, RAW, CSV_REJECTS, _REJECT_ERRORS, _REJECT_SCANS, KEPT_LINES)
            reader.execute(
                f"CREATE TEMP TABLE {RAW} AS SELECT * FROM read_csv({source}, all_varchar = true,"
                " header = true, delim = ',', quote = '\"', escape = '\"', store_rejects = true,"
                f" rejects_table = '{_REJECT_ERRORS}', rejects_scan = '{_REJECT_SCANS}')"
            )
            rejects = _csv_rejects(reader, path)
        elif kind == "parquet":
            _drop(reader, RAW)
            reader.execute(f"CREATE TEMP TABLE {RAW} AS SELECT * FROM read_parquet({source})")
        else:
            _drop(reader, RAW)
            names = [row[0] for row in reader.execute(
                f"DESCRIBE SELECT * FROM read_json({source}, format = 'newline_delimited')"
            ).fetchall()]
            columns = "{" + ", ".join(f"{string_literal(n)}: 'VARCHAR'" for n in names) + "}"
            reader.execute(
                f"CREATE TEMP TABLE {RAW} AS SELECT * FROM read_json({source},"
                f" format = 'newline_delimited', columns = {columns})"
            )
    except duckdb.Error as error:
        raise _unreadable(path, kind, error) from None
    types = {row[0]: row[1] for row in reader.execute(f"DESCRIBE {RAW}").fetchall()}
    received = tuple(types)
    matched = _match_columns(path, table, received)
    rows = reader.execute(f"SELECT count(*) FROM {RAW}").fetchone()[0]
    if kind == "csv" and rejects:
        _number_kept_lines(reader, rows + rejects)
    ignored = tuple(name for name in received if name not in matched.values())
    return StagedFile(str(path), kind, matched, received, types, ignored, rows, rejects)


def _check_utf8_head(path: Path) -> None:
    """Refuse UTF-16/32 and other non-UTF-8 text early, from the first 64 KB."""
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rb") as handle:
            head = handle.read(_HEAD_BYTES)
    except (OSError, EOFError) as error:
        raise NabdError(f"{path} cannot be read: {error}") from None
    if not head.strip():
        raise NabdError(f"{path} is empty")
    decoder = codecs.getincrementaldecoder("utf-8")()
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in head:
        raise _not_utf8(path)
    try:
        decoder.decode(head, final=False)  # a character cut at the 64 KB mark is not an error
    except UnicodeDecodeError:
        raise _not_utf8(path) from None


def _not_utf8(path: Path) -> NabdError:
    return NabdError(f"{path} is not UTF-8 text: save it as UTF-8 (with or without BOM)")


def _csv_rejects(reader: duckdb.DuckDBPyConnection, path: Path) -> int:
    """Keep one reject per CSV line in ``CSV_REJECTS``; an encoding error refuses the whole file."""
    bad_encoding = reader.execute(
        f"SELECT min(line) FROM {_REJECT_ERRORS} WHERE error_type = 'INVALID ENCODING'"
    ).fetchone()[0]
    if bad_encoding is not None:
        raise NabdError(
            f"{path} is not UTF-8 text (line {bad_encoding}): save it as UTF-8 (with or without BOM)"
        )
    reader.execute(
        f"CREATE TEMP TABLE {CSV_REJECTS} AS SELECT line, arg_min(csv_line, column_idx) AS csv_line,"
        " arg_min(CAST(error_type AS VARCHAR), column_idx) AS error_type,"
        f" arg_min(error_message, column_idx) AS error_message FROM {_REJECT_ERRORS} GROUP BY line"
    )
    _drop(reader, _REJECT_ERRORS, _REJECT_SCANS)
    return reader.execute(f"SELECT count(*) FROM {CSV_REJECTS}").fetchone()[0]


def _number_kept_lines(reader: duckdb.DuckDBPyConnection, records: int) -> None:
    """Map each kept data row to its file line, skipping the lines DuckDB set aside."""
    reader.execute(
        f"CREATE TEMP TABLE {KEPT_LINES} AS"
        " SELECT row_number() OVER (ORDER BY line) - 1 AS kept_index, line"
        f" FROM range(2, {records} + 2) AS lines(line)"
        f" WHERE line NOT IN (SELECT line FROM {CSV_REJECTS})"
    )


def _match_columns(path: Path, table: ImportableTable, received: tuple[str, ...]) -> dict[str, str]:
    """Match received column names to the table's, case-insensitively and ignoring spaces."""
    if len(received) == 1:
        for delimiter, spoken in _FOREIGN_DELIMITERS.items():
            if delimiter in received[0]:
                raise NabdError(
                    f"{path} seems to use {spoken} as its delimiter; Nabd reads comma-separated files"
                )
    by_name: dict[str, str] = {}
    for name in received:
        canonical = name.strip().lstrip("\ufeff").lower()
        if canonical in by_name and any(c.name == canonical for c in table.columns):
            raise NabdError(f"{path} has two columns for {canonical!r}: {by_name[canonical]!r} and {name!r}")
        by_name[canonical] = name
    for required in table.required_columns:
        if required not in by_name:
            found = ", ".join(received)
            raise NabdError(
                f"{path} has no column {required!r} (required for {table.name}); columns found: {found}"
            )
    return {c.name: by_name[c.name] for c in table.columns if c.name in by_name}


def _unreadable(path: Path, kind: FileFormat, error: duckdb.Error) -> NabdError:
    message = str(error)
    if "not utf-8" in message.lower() or "invalid unicode" in message.lower():
        return _not_utf8(path)
    first_line = message.strip().splitlines()[0] if message.strip() else type(error).__name__
    first_line = first_line.removeprefix("Invalid Input Error: ").removeprefix("IO Error: ")
    unclosed = _unclosed_quote_line(path) if kind == "csv" else None
    if unclosed is not None:
        return NabdError(f"{path} is not a readable CSV file: line {unclosed} opens a quoted field (\") that is "
                         "never closed; close it, or double a quote inside a quoted field (\"\")")
    what = {"csv": "a readable CSV file", "parquet": "a Parquet file", "jsonl": "JSON Lines"}[kind]
    return NabdError(f"{path} is not {what}: {first_line}")


def _unclosed_quote_line(path: Path) -> int | None:
    """The line where a quoted field opens and no quote closes it by the end of the file, else None.

    RFC 4180: a quote inside a quoted field is doubled, so each line's quotes flip the state once per quote.
    """
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    opened_at = None
    try:
        with opener(path, "rb") as handle:
            for number, line in enumerate(handle, start=1):
                if line.count(b'"') % 2:
                    opened_at = number if opened_at is None else None
    except (OSError, EOFError):
        return None
    return opened_at


def _drop(reader: duckdb.DuckDBPyConnection, *names: str) -> None:
    for name in names:
        reader.execute(f"DROP TABLE IF EXISTS {name}")
