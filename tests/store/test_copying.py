"""Rows DuckDB reads reach the store: COPY into PostgreSQL keeps every value, quotes, newlines and nulls included."""

from datetime import datetime

import pytest

from nabd.store import reading_connection
from nabd.store.copying import copy_from_duckdb, duckdb_reader


@pytest.mark.parametrize("store_url", ["postgres"], indirect=True)
def test_copy_from_duckdb_writes_the_rows_of_a_select_into_a_postgresql_table(store):
    store.execute("CREATE TEMP TABLE copied (id TEXT, body TEXT, score DOUBLE PRECISION, seen_at TIMESTAMP)")
    with duckdb_reader(store) as reader:
        reader.execute("CREATE TABLE source_rows AS SELECT * FROM (VALUES ('a', 'it''s \"quoted\"\nover two lines', 0.1, "
                       "TIMESTAMP '2026-06-30 23:59:58'), ('b', '', NULL, NULL), ('c', NULL, -1.5, NULL)) "
                       "AS t(id, body, score, seen_at)")
        with store.transaction():
            copy_from_duckdb(store, reader, "SELECT * FROM source_rows", "copied", ["id", "body", "score", "seen_at"])
    assert store.fetchall("SELECT id, body, score, seen_at FROM copied ORDER BY id") == [
        ("a", 'it\'s "quoted"\nover two lines', 0.1, datetime(2026, 6, 30, 23, 59, 58)),
        ("b", "", None, None),
        ("c", None, -1.5, None),
    ]


def test_a_reading_connection_sees_the_stores_committed_rows_and_closes_alone(store):
    store.execute("CREATE TABLE seen (n INTEGER)")
    store.execute("INSERT INTO seen VALUES (1), (2)")
    reader = reading_connection(store)
    try:
        assert reader.scalar("SELECT sum(n) FROM seen") == 3
    finally:
        reader.close()
    assert store.scalar("SELECT count(*) FROM seen") == 2
