"""Validate staged rows in SQL: parse types, apply the table's rules, split good rows from bad.

One pass over the staged text builds ``CHECKED``: each row's typed values and ``problems``, all
its reasons joined with "; " (empty when the row is good). Good rows then become ``GOOD`` (typed,
ready to write) and bad rows ``BAD`` (line, row as received, reason), and the staging tables
are dropped as soon as they are used, so at most two copies of a big file live at once.
"""

from __future__ import annotations

import duckdb

from nabd.ingest.reading import CSV_REJECTS, KEPT_LINES, RAW, StagedFile
from nabd.ingest.tables import DECIMAL_OVERRIDES, SQL_TYPES, Column, ImportableTable, quoted

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
    for name in (CHECKED, GOOD, BAD):
        reader.execute(f"DROP TABLE IF EXISTS {name}")
    reader.execute(f"CREATE TEMP TABLE {CHECKED} AS {_checked_sql(reader, table, staged, known_accounts)}")
    reader.execute(f"CREATE TEMP TABLE {BAD} AS {_bad_sql(staged)}")
    reader.execute(f"DROP TABLE {RAW}")
    columns = ", ".join(f'"{name}"' for name in written_columns(table, staged))
    reader.execute(f"CREATE TEMP TABLE {GOOD} AS SELECT {columns} FROM {CHECKED} WHERE problems = '' ORDER BY row_index")
    reader.execute(f"DROP TABLE {CHECKED}")
    for name in (CSV_REJECTS, KEPT_LINES):
        reader.execute(f"DROP TABLE IF EXISTS {name}")
    good = reader.execute(f"SELECT count(*) FROM {GOOD}").fetchone()[0]
    bad = reader.execute(f"SELECT count(*) FROM {BAD}").fetchone()[0]
    return good, bad


def _checked_sql(
    reader: duckdb.DuckDBPyConnection, table: ImportableTable, staged: StagedFile,
    known_accounts: str | None,
) -> str:
    line = "kept.line" if staged.csv_rejects else ("raw.rowid + 2" if staged.file_format == "csv" else "raw.rowid + 1")
    kept_join = f" JOIN {KEPT_LINES} AS kept ON kept.kept_index = raw.rowid" if staged.csv_rejects else ""
    received = ",\n  ".join(
        f"{_received_sql(table, column, staged)} AS r_{column.name}" for column in table.columns
    )
    received_sql = (
        f"SELECT raw.rowid AS row_index, {line} AS line,\n  {received}\nFROM {RAW} AS raw{kept_join}"
    )
    if table.name == "events" and _needs_event_ids(reader, staged):
        received_sql = _with_derived_event_ids(received_sql)
    typed = ",\n  ".join(f"{_typed_sql(table, column)} AS {column.name}" for column in table.columns)
    known_join = ""
    reasons = [_required_reason(c) for c in table.columns if c.required]
    reasons += [_type_reason(c) for c in table.columns if c.type != "text"]
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
    return (
        f"WITH received AS ({received_sql}),\n"
        f"typed AS (SELECT *, {typed} FROM received)\n"
        f"SELECT typed.*, concat_ws('; ', {', '.join(reasons)}) AS problems\n"
        f"FROM typed{known_join}"
    )


def _received_sql(table: ImportableTable, column: Column, staged: StagedFile) -> str:
    """The value as received, as text; blank is missing; ids, keys and typed values are trimmed."""
    if column.name not in staged.matched:
        return "CAST(NULL AS VARCHAR)"
    value = f'CAST(raw."{_identifier(staged.matched[column.name])}" AS VARCHAR)'
    if column.type != "text" or column.name in table.key or column.name.endswith("_id"):
        return f"NULLIF(trim({value}), '')"
    return f"CASE WHEN trim({value}) = '' THEN NULL ELSE {value} END"


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
        return f"CASE WHEN json_valid({value}) THEN CAST({value} AS JSON) END"
    return f"TRY_CAST({value} AS {sql_type})"


def _required_reason(column: Column) -> str:
    return f"CASE WHEN r_{column.name} IS NULL THEN '{column.name} is required' END"


def _type_reason(column: Column) -> str:
    return (
        f"CASE WHEN r_{column.name} IS NOT NULL AND typed.{column.name} IS NULL"
        f" THEN '{column.name} ' || {quoted(column.name)} || ' {_TYPE_WORDS[column.type]}' END"
    )


def _superseded_reason(table: ImportableTable) -> str:
    """Within one file the last row with a key wins; earlier ones are quarantined, pointing at it."""
    key = ", ".join(f"typed.{name}" for name in table.key)
    present = " AND ".join(f"typed.{name} IS NOT NULL" for name in table.key)
    last_line = f"max(typed.line) OVER (PARTITION BY {key})"
    return (
        f"CASE WHEN {present} AND typed.line < {last_line} THEN 'superseded by line ' || "
        f"{last_line} || ' with the same {' and '.join(table.key)}' END"
    )


def _needs_event_ids(reader: duckdb.DuckDBPyConnection, staged: StagedFile) -> bool:
    if "event_id" not in staged.matched:
        return True
    column = _identifier(staged.matched["event_id"])
    return reader.execute(
        f"SELECT count(*) FROM {RAW} WHERE NULLIF(trim(CAST(\"{column}\" AS VARCHAR)), '') IS NULL"
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
        f"'{_text(name)}', CAST(raw.\"{_identifier(name)}\" AS VARCHAR)" for name in staged.received
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


def _text(text: str) -> str:
    return text.replace("'", "''")
