"""Compiled SQL kept per recipe (nabd.store.compiled): written once, read by later calls and later processes."""

from datetime import date

import pytest

import nabd.store.compiled as compiled
from nabd.errors import NabdError
from nabd.store import open_store
from nabd.store.compiled import kept_per_day

SQL = "SELECT MAKE_DATE(1111, 11, 11) AS day"  # a query on the sentinel date


def test_the_sql_is_written_once_per_recipe_and_read_by_a_later_process(tmp_path, monkeypatch):
    monkeypatch.setattr(compiled, "_COMPILED_HERE", {})
    written = []

    def write():
        written.append(1)
        return SQL

    with open_store(f"duckdb:///{tmp_path / 'nabd.duckdb'}") as store:
        assert kept_per_day(store, "daily figures v1", write)(date(2026, 5, 4)) == "SELECT MAKE_DATE(2026, 5, 4) AS day"
        kept_per_day(store, "daily figures v1", write)
        assert written == [1]
        [kept] = (tmp_path / "nabd.duckdb.compiled").iterdir()
        assert kept.name.startswith("daily-") and oct(kept.stat().st_mode & 0o777) == "0o600"
        monkeypatch.setattr(compiled, "_COMPILED_HERE", {})  # a new process
        assert kept_per_day(store, "daily figures v1", write)(date(2026, 5, 4)).endswith("MAKE_DATE(2026, 5, 4) AS day")
        assert written == [1]
        kept_per_day(store, "daily figures v2", write)  # another version of what the query reads
        assert written == [1, 1]


def test_a_query_without_its_as_of_date_is_refused_and_not_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(compiled, "_COMPILED_HERE", {})
    with open_store(f"duckdb:///{tmp_path / 'nabd.duckdb'}") as store:
        with pytest.raises(NabdError, match="does not mention its as-of date"):
            kept_per_day(store, "broken", lambda: "SELECT 1")
    assert not (tmp_path / "nabd.duckdb.compiled").exists()
