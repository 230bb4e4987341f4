"""Fixtures shared by the whole suite: a fresh store on each backend, isolated per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import psycopg
import pytest

from nabd.store import Store, open_store

POSTGRES_URL = os.environ.get("NABD_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
BACKENDS = ["duckdb", "postgres"]


def _drop_schema(schema: str) -> None:
    with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
        connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def fresh_url(backend: str, tmp_path) -> tuple[str, str | None]:
    """A URL to an empty database on ``backend``, and the PostgreSQL schema to drop afterwards."""
    if backend == "duckdb":
        return f"duckdb:///{tmp_path / 'nabd.duckdb'}", None
    schema = f"nabd_test_{uuid.uuid4().hex[:12]}"
    return f"{POSTGRES_URL}?schema={schema}", schema


@pytest.fixture(scope="session", autouse=True)
def state_folder(tmp_path_factory) -> Iterator[None]:
    """The user's state folder (key files and journals of PostgreSQL databases) of this test session."""
    before = os.environ.get("XDG_STATE_HOME")
    os.environ["XDG_STATE_HOME"] = str(tmp_path_factory.mktemp("state"))
    yield
    if before is None:
        del os.environ["XDG_STATE_HOME"]
    else:
        os.environ["XDG_STATE_HOME"] = before


@pytest.fixture(params=BACKENDS)
def store_url(request, tmp_path) -> Iterator[str]:
    """A URL to an empty database, on DuckDB and on the real PostgreSQL server in turn."""
    url, schema = fresh_url(request.param, tmp_path)
    yield url
    if schema:
        _drop_schema(schema)


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """An open store with the current schema, on each backend in turn."""
    opened = open_store(store_url)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory) -> Iterator[Store]:
    """The demo company (150 accounts, 18 months to 2026-10-31, seed 7) in a DuckDB file, built
    once per test session through the real import path. Read it; do not change it."""
    from datetime import date

    from nabd.demo import build_demo

    folder = tmp_path_factory.mktemp("demo")
    opened = open_store(f"duckdb:///{folder / 'nabd.duckdb'}")
    build_demo(opened, accounts=150, months=18, seed=7, end_date=date(2026, 10, 31), workdir=folder / "files")
    yield opened
    opened.close()
