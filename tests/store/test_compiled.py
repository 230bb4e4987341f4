"""Compiled SQL kept per recipe (nabd.store.compiled): written once, read by later calls and later processes."""

import os
import time
from collections import OrderedDict
from datetime import date

import ibis
import pyarrow as pa
import pytest

import nabd.store.compiled as compiled
from nabd.errors import NabdError
from nabd.store import open_store
from nabd.store.compiled import kept_account_rows, kept_per_day, kept_rows

SQL = "SELECT MAKE_DATE(1111, 11, 11) AS day"  # a query on the sentinel date


def test_the_sql_is_written_once_per_recipe_and_read_by_a_later_process(tmp_path, monkeypatch):
    monkeypatch.setattr(compiled, "_COMPILED_HERE", OrderedDict())
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    written = []

    def write():
        written.append(1)
        return SQL

    with open_store(f"duckdb:///{tmp_path / 'nabd.duckdb'}") as store:
        assert kept_per_day(store, "daily figures v1", write)(date(2026, 5, 4)) == "SELECT MAKE_DATE(2026, 5, 4) AS day"
        kept_per_day(store, "daily figures v1", write)
        assert written == [1]
        [kept] = (tmp_path / "cache" / "nabd" / "compiled").iterdir()
        assert kept.name.startswith("daily-") and oct(kept.stat().st_mode & 0o777) == "0o600"
        monkeypatch.setattr(compiled, "_COMPILED_HERE", OrderedDict())  # a new process
        assert kept_per_day(store, "daily figures v1", write)(date(2026, 5, 4)).endswith("MAKE_DATE(2026, 5, 4) AS day")
        assert written == [1]
        kept_per_day(store, "daily figures v2", write)  # another version of what the query reads
        assert written == [1, 1]


def test_the_sql_kept_for_one_database_serves_another_of_the_same_engine(tmp_path, monkeypatch):
    monkeypatch.setattr(compiled, "_COMPILED_HERE", OrderedDict())
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    written = []
    with open_store(f"duckdb:///{tmp_path / 'a.duckdb'}") as first:
        kept_per_day(first, "daily figures v1", lambda: written.append(1) or SQL)
    monkeypatch.setattr(compiled, "_COMPILED_HERE", OrderedDict())  # a new process, another database
    with open_store(f"duckdb:///{tmp_path / 'b.duckdb'}") as second:
        sql = kept_per_day(second, "daily figures v1", lambda: written.append(1) or SQL)(date(2026, 5, 4))
    assert sql.endswith("MAKE_DATE(2026, 5, 4) AS day")
    assert written == [1]


def test_a_cache_that_cannot_be_written_is_skipped(tmp_path, monkeypatch):
    monkeypatch.setattr(compiled, "_COMPILED_HERE", OrderedDict())
    (tmp_path / "cache").write_text("a file where the cache folder would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    with open_store(f"duckdb:///{tmp_path / 'nabd.duckdb'}") as store:
        sql = kept_per_day(store, "daily figures v1", lambda: SQL)(date(2026, 5, 4))
    assert sql.endswith("MAKE_DATE(2026, 5, 4) AS day")


def test_a_query_without_its_as_of_date_is_refused_and_not_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(compiled, "_COMPILED_HERE", OrderedDict())
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    with open_store(f"duckdb:///{tmp_path / 'nabd.duckdb'}") as store:
        with pytest.raises(NabdError, match="does not mention its as-of date"):
            kept_per_day(store, "broken", lambda: "SELECT 1")
    assert not (tmp_path / "cache").exists()


def test_kept_rows_are_the_expressions_rows_typed_as_ibis_types_them(store, tmp_path, monkeypatch):
    monkeypatch.setattr(compiled, "_COMPILED_HERE", OrderedDict())
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    days = ibis.memtable({"day": [date(2026, 1, 1), date(2026, 2, 1)], "n": [1, None]}, schema={"day": "date", "n": "int64"})
    expression = days.mutate(label=ibis.literal("it's"), later=days.day + ibis.interval(days=1)).order_by("day")
    want = expression.to_pyarrow()
    assert kept_rows(store, "days v1", lambda: expression).equals(want)
    monkeypatch.setattr(compiled, "_COMPILED_HERE", OrderedDict())  # a new process: the kept SQL holds the memtable
    assert kept_rows(store, "days v1", lambda: pytest.fail("built again")).equals(want)


def test_an_empty_in_memory_table_is_kept_as_no_rows_of_its_types(store, tmp_path, monkeypatch):
    monkeypatch.setattr(compiled, "_COMPILED_HERE", OrderedDict())
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    nothing = ibis.memtable(pa.table({"day": pa.array([], pa.date32()), "n": pa.array([], pa.int64())}))
    rows = kept_rows(store, "nothing v1", lambda: nothing)
    assert rows.num_rows == 0 and rows.schema.equals(nothing.to_pyarrow().schema)


def test_a_kept_file_unread_for_thirty_days_is_deleted_when_another_is_written(tmp_path, monkeypatch):
    monkeypatch.setattr(compiled, "_COMPILED_HERE", OrderedDict())
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = tmp_path / "cache" / "nabd" / "compiled"
    with open_store(f"duckdb:///{tmp_path / 'nabd.duckdb'}") as store:
        kept_per_day(store, "old figures", lambda: SQL)
        kept_per_day(store, "read figures", lambda: SQL)
        month_ago = time.time() - 31 * 24 * 3600
        for path in folder.iterdir():
            os.utime(path, (month_ago, month_ago))
        monkeypatch.setattr(compiled, "_COMPILED_HERE", OrderedDict())  # a new process reads one of them
        kept_per_day(store, "read figures", lambda: pytest.fail("compiled again"))
        kept_per_day(store, "new figures", lambda: SQL)
    assert sorted(path.name.split("-")[0] for path in folder.iterdir()) == ["new", "read"]


def test_account_rows_compile_an_expression_once_and_read_one_account_per_call(store, tmp_path, monkeypatch):
    monkeypatch.setattr(compiled, "_COMPILED_HERE", OrderedDict())
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    store.execute("INSERT INTO accounts (account_id, name, segment) VALUES "
                  "('A1', 'Acme', 'smb'), ('A2', 'Beta', 'ent'), ('A3', 'Cedar', 'smb')")
    built = []

    def build():
        built.append(1)
        accounts = store.table("accounts")
        return accounts.select("account_id", "name", shout=accounts.name.upper())

    rows = {account_id: kept_account_rows(store, "shouting names", build, account_id) for account_id in ("A2", "A3", "ZZ")}
    assert rows == {"A2": [{"account_id": "A2", "name": "Beta", "shout": "BETA"}],
                    "A3": [{"account_id": "A3", "name": "Cedar", "shout": "CEDAR"}], "ZZ": []}
    assert len(built) == 1
