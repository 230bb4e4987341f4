"""Demo companies shared by the demo tests: generated files, and one build per backend."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from nabd.demo import build_demo, generate_files
from nabd.store import open_store
from tests.conftest import _drop_schema, fresh_url

END = date(2026, 10, 31)


@pytest.fixture(scope="session")
def small_company(tmp_path_factory):
    """40 accounts over 6 months, seed 7: the files, by table."""
    return generate_files(tmp_path_factory.mktemp("small"), accounts=40, months=6, seed=7, end_date=END)


@pytest.fixture(scope="session")
def company(tmp_path_factory):
    """400 accounts over 18 months, seed 7: enough churners to see the drivers in."""
    return generate_files(tmp_path_factory.mktemp("company"), accounts=400, months=18, seed=7, end_date=END)


@pytest.fixture(scope="session")
def company_sql(company):
    """An in-memory DuckDB with one view per generated file of ``company``."""
    con = duckdb.connect()
    for table, generated in company.items():
        reader = "read_parquet" if generated.path.suffix == ".parquet" else "read_csv"
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM {reader}('{generated.path}')")
    yield con
    con.close()


@pytest.fixture(scope="module", params=["duckdb", "postgres"])
def loaded_demo(request, tmp_path_factory):
    """A store holding the 40-account, 6-month demo (seed 7), built once per backend: read only."""
    folder = tmp_path_factory.mktemp(f"loaded-{request.param}")
    url, schema = fresh_url(request.param, folder)
    store = open_store(url)
    summary = build_demo(store, accounts=40, months=6, seed=7, end_date=END, workdir=folder / "files")
    yield store, summary
    store.close()
    if schema:
        _drop_schema(schema)
