"""Validate staged rows in SQL: parse types, apply the table's rules, split good rows from bad.

One pass over the staged text builds ``CHECKED``: each row's typed values, its line and
``problems``, all its reasons joined with "; " (empty when the row is good); it is not sorted back
into file order, a sort of the whole file that nothing needs. Bad rows then become ``BAD`` (line,
row as received, reason, in line order) and the staged file is dropped; ``GOOD`` is a view of the
good rows of ``CHECKED`` (typed, ready to write), so at most two copies of a big file live at once.
Parquet columns that already have the column's SQL type are taken as they are, without a round
trip through text, and keys repeated within the file are found with one aggregate.
"""

from __future__ import annotations

import duckdb

from nabd.ingest.reading import CSV_REJECTS, KEPT_LINES, RAW, StagedFile
from nabd.ingest.tables import DECIMAL_OVERRIDES, SQL_TYPES, Column, ImportableTable, quoted
from nabd.store.date_range import DateRange, date_range
from nabd.store.sql import string_literal

CHECKED = "nabd_ingest_checked"
GOOD = "nabd_ingest_good"
BAD = "nabd_ingest_bad"

_TIMESTAMP_WITH_OFFSET = r"[0-9][T ][0-9]{2}:[0-9]{2}.*([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)$"
_TYPE_WORDS = {
    "integer": "is not a whole number",
    "decimal": "is not a number",
    "double": "is not a number",
    "date": "is not a date (use YYYY-MM-DD)",
    "timestamp": "is not a date and time (use ISO 8601, e.g. 2024-01-31T09:30:00Z)",
    "json": "is not valid JSON",
}


def written_columns(table: ImportableTable, staged: StagedFile) -> list[str]:
    """The table's columns this file provides (events always get an event_id)."""
    return [
        c.name for c in table.columns
        if c.name in staged.matched or (table.name == "events" and c.name == "event_id")
    ]


def split_rows(
    reader: duckdb.DuckDBPyConnection, table: ImportableTable, staged: StagedFile,
    known_accounts: str | None,
) -> tuple[int, int]:
    """Build ``GOOD`` and ``BAD`` from the staged file; return (good rows, bad rows).

    ``known_accounts`` names a relation of the reader with an ``account_id`` column, for the
    referential check (None for tables that do not name an account).
    """
    drop_checked(reader)
    checked = _checked_sql(reader, table, staged, known_accounts, date_range())
    reader.execute(f"CREATE TEMP TABLE {CHECKED} AS {checked}")
    reader.execute(f"CREATE TEMP TABLE {BAD} AS {_bad_sql(staged)}")
    for name in (RAW, CSV_REJECTS, KEPT_LINES):
        reader.execute(f"DROP TABLE IF EXISTS {name}")
    columns = ", ".join(f'"{name}"' for name in written_columns(table, staged))
    reader.execute(f"CREATE TEMP VIEW {GOOD} AS SELECT {columns} FROM {CHECKED} WHERE problems = ''")
    bad = reader.execute(f"SELECT count(*) FROM {BAD}").fetchone()[0]
    return staged.rows - (bad - staged.csv_rejects), bad


def drop_checked(reader: duckdb.DuckDBPyConnection) -> None:
    """Drop ``GOOD``, ``CHECKED`` and ``BAD`` if a previous import left them."""
    reader.execute(f"DROP VIEW IF EXISTS {GOOD}")
    for name in (CHECKED, BAD):
        reader.execute(f"DROP TABLE IF EXISTS {name}")


def _checked_sql(
    reader: duckdb.DuckDBPyConnection, table: ImportableTable, staged: StagedFile,
    known_accounts: str | None, dates: DateRange,
) -> str:
    line = "kept.line" if staged.csv_rejects else ("raw.rowid + 2" if staged.file_format == "csv" else "raw.rowid + 1")
    kept_join = f" JOIN {KEPT_LINES} AS kept ON kept.kept_index = raw.rowid" if staged.csv_rejects else ""
    typed_already = _typed_already(table, staged)
    received = ",\n  ".join(
        [f"{_received_sql(table, column, staged)} AS r_{column.name}" for column in table.columns]
        + [f'raw."{_identifier(staged.matched[name])}" AS v_{name}' for name in typed_already]
    )
    received_sql = (
        f"SELECT raw.rowid AS row_index, {line} AS line,\n  {received}\nFROM {RAW} AS raw{kept_join}"
    )
    if table.name == "events" and _needs_event_ids(reader, staged):
        received_sql = _with_derived_event_ids(received_sql)
    typed = ",\n  ".join(
        f"{f'v_{column.name}' if column.name in typed_already else _typed_sql(table, column)} AS {column.name}"
        for column in table.columns
    )
    known_join = ""
    reasons = [_required_reason(c, c.name in typed_already) for c in table.columns if c.required]
    reasons += [_type_reason(c) for c in table.columns if c.type != "text" and c.name not in typed_already]
    reasons += [_date_range_reason(c, dates) for c in table.columns if c.type in ("date", "timestamp")]
    reasons += [f"CASE WHEN {rule.problem} THEN {rule.reason} END" for rule in table.rules]
    if table.needs_known_account:
        known_join = (
            f" LEFT JOIN (SELECT DISTINCT account_id AS known_account FROM {known_accounts}) AS known"
            " ON known.known_account = typed.account_id"
        )
        reasons.append(
            "CASE WHEN typed.account_id IS NOT NULL AND known.known_account IS NULL THEN 'account_id ' || "
            f"{quoted('account_id')} || ' is not a known account: import accounts first' END"
        )
    reasons.append(_superseded_reason(table))
    kept = ", ".join(f"typed.{c.name}" for c in table.columns)
    return (
        f"WITH received AS ({received_sql}),\n"
        f"typed AS (SELECT *, {typed} FROM received),\n"
        f"superseding AS ({_superseding_sql(table)})\n"
        f"SELECT typed.row_index, typed.line, {kept}, concat_ws('; ', {', '.join(reasons)}) AS problems\n"
        f"FROM typed{known_join}{_superseding_join(table)}"
    )


def _typed_already(table: ImportableTable, staged: StagedFile) -> tuple[str, ...]:
    """Columns the file gives with the column's own SQL type (Parquet): no need to parse their text.

    Their text (``CAST(value AS VARCHAR)``) is never blank nor padded, and casting it back gives
    the same value, so skipping the round trip changes no result.
    """
    return tuple(
        c.name for c in table.columns
        if c.type != "text" and c.name in staged.matched
        and staged.types.get(staged.matched[c.name]) == DECIMAL_OVERRIDES.get((table.name, c.name), SQL_TYPES[c.type])
    )


def _received_sql(table: ImportableTable, column: Column, staged: StagedFile) -> str:
    """The value as received, as text; blank is missing; ids, keys and typed values are trimmed."""
    if column.name not in staged.matched:
        return "CAST(NULL AS VARCHAR)"
    value = f'CAST(raw."{_identifier(staged.matched[column.name])}" AS VARCHAR)'
    if column.type != "text" or column.name in table.key or column.name.endswith("_id"):
        return f"CASE WHEN {_unpadded(value)} THEN {value} ELSE NULLIF(trim({value}), '') END"
    return f"CASE WHEN {_unpadded(value)} THEN {value} WHEN trim({value}) = '' THEN NULL ELSE {value} END"


def _unpadded(value: str) -> str:
    """True when ``value`` starts and ends with a printable ASCII character: trim would keep it as it is.

    DuckDB's trim removes Unicode space separators only (category Zs, of which ' ' is the one in
    ASCII), and checking two characters costs far less than trimming every value. ``value[-1]``
    is the last grapheme; one starting with an ASCII byte cannot end with a space separator.
    """
    return f"(ord({value}) BETWEEN 33 AND 127 AND NOT suffix({value}, ' ') AND {value}[-1] < chr(128))"


def _typed_sql(table: ImportableTable, column: Column) -> str:
    value = f"r_{column.name}"
    sql_type = DECIMAL_OVERRIDES.get((table.name, column.name), SQL_TYPES[column.type])
    if column.type == "text":
        return value
    if column.type == "integer":
        return f"CASE WHEN regexp_full_match({value}, '[+-]?[0-9]+(\\.0*)?') THEN TRY_CAST({value} AS {sql_type}) END"
    if column.type == "timestamp":
        return (
            f"CASE WHEN regexp_matches({value}, '{_TIMESTAMP_WITH_OFFSET}')"
            f" THEN timezone('UTC', TRY_CAST({value} AS TIMESTAMPTZ)) ELSE TRY_CAST({value} AS TIMESTAMP) END"
        )
    if column.type == "json":
        return f"TRY_CAST({value} AS JSON)"  # NULL unless valid JSON, the text kept as it is
    return f"TRY_CAST({value} AS {sql_type})"


def _required_reason(column: Column, typed_already: bool = False) -> str:
    value = f"typed.{column.name}" if typed_already else f"r_{column.name}"
    return f"CASE WHEN {value} IS NULL THEN '{column.name} is required' END"


def _type_reason(column: Column) -> str:
    return (
        f"CASE WHEN r_{column.name} IS NOT NULL AND typed.{column.name} IS NULL"
        f" THEN '{column.name} ' || {quoted(column.name)} || ' {_TYPE_WORDS[column.type]}' END"
    )


def _date_range_reason(column: Column, dates: DateRange) -> str:
    """The one rule for dates (nabd.store.date_range), as the event intake applies it too."""
    return (
        f"CASE WHEN {dates.outside_sql(f'typed.{column.name}')}"
        f" THEN '{column.name} ' || {quoted(column.name)} || ' {dates.reason}' END"
    )


def _superseding_sql(table: ImportableTable) -> str:
    """Keys given more than once in the file, with the last line giving each."""
    key = ", ".join(table.key)
    present = " AND ".join(f"{name} IS NOT NULL" for name in table.key)
    return f"SELECT {key}, max(line) AS last_line FROM typed WHERE {present} GROUP BY {key} HAVING count(*) > 1"


def _superseding_join(table: ImportableTable) -> str:
    matches = " AND ".join(f"superseding.{name} = typed.{name}" for name in table.key)
    return f" LEFT JOIN superseding ON {matches}"


def _superseded_reason(table: ImportableTable) -> str:
    """Within one file the last row with a key wins; earlier ones are quarantined, pointing at it."""
    return (
        "CASE WHEN typed.line < superseding.last_line THEN 'superseded by line ' || "
        f"superseding.last_line || ' with the same {' and '.join(table.key)}' END"
    )


def _needs_event_ids(reader: duckdb.DuckDBPyConnection, staged: StagedFile) -> bool:
    if "event_id" not in staged.matched:
        return True
    value = f'CAST("{_identifier(staged.matched["event_id"])}" AS VARCHAR)'
    return reader.execute(
        f"SELECT count(*) FROM {RAW} WHERE {value} IS NULL OR (NOT {_unpadded(value)} AND trim({value}) = '')"
    ).fetchone()[0] > 0


def _with_derived_event_ids(received_sql: str) -> str:
    """Give each event without an id the md5 of its fields and its occurrence among identical rows.

    Two identical rows of a file are two events; importing the same file again gives the same ids.
    """
    fields = "r_account_id, r_contact_id, r_event_type, r_ts, r_value, r_properties"
    occurrence = f"row_number() OVER (PARTITION BY {fields} ORDER BY row_index)"
    return (
        f"SELECT * REPLACE (coalesce(r_event_id, md5(to_json([{fields}]) || '#' || {occurrence})) AS r_event_id)"
        f" FROM ({received_sql})"
    )


def _bad_sql(staged: StagedFile) -> str:
    """Bad rows as (line, row_as_received JSON text, error), CSV lines DuckDB set aside included."""
    pairs = ", ".join(
        f"{string_literal(name)}, CAST(raw.\"{_identifier(name)}\" AS VARCHAR)" for name in staged.received
    )
    rows = (
        f"SELECT checked.line, CAST(json_object({pairs}) AS VARCHAR) AS row_as_received,"
        f" checked.problems AS error"
        f" FROM {CHECKED} AS checked JOIN {RAW} AS raw ON raw.rowid = checked.row_index"
        " WHERE checked.problems <> ''"
    )
    if staged.csv_rejects:
        fields = "regexp_extract(error_message, 'Found: ([0-9]+)', 1)"
        expected = "regexp_extract(error_message, 'Expected Number of Columns: ([0-9]+)', 1)"
        rows += (
            " UNION ALL SELECT line, CAST(json_object('line as received', csv_line) AS VARCHAR),"
            " CASE WHEN error_type IN ('TOO MANY COLUMNS', 'MISSING COLUMNS')"
            f" THEN 'the line has ' || {fields} || ' fields but the header has ' || {expected}"
            " || ': check its commas and quotes'"
            " ELSE 'the line cannot be read as CSV: ' || error_message END"
            f" FROM {CSV_REJECTS}"
        )
    return f"SELECT * FROM ({rows}) ORDER BY line"


def _identifier(name: str) -> str:
    return name.replace('"', '""')
