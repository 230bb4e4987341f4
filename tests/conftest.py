"""Fixtures shared by the whole suite: a fresh store on each backend, isolated per test."""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from nabd.store import Store, open_store
from nabd.store.connection import parse_url
from tests.browser import browser  # noqa: F401 - the shared Chromium fixture of every browser test

POSTGRES_URL = os.environ.get("NABD_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
BACKENDS = ["duckdb", "postgres"]


def _needs_postgres(item: pytest.Item) -> bool:
    """A test runs on PostgreSQL when one of its parameters is the backend "postgres" or it says so."""
    callspec = getattr(item, "callspec", None)
    parameters = callspec.params.values() if callspec is not None else ()
    return any(isinstance(value, str) and value == "postgres" for value in parameters)


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(session: pytest.Session, items: list[pytest.Item]) -> Iterator[None]:
    """Mark every test run on PostgreSQL `postgres` before `-m` selects (`-m "not postgres"` runs
    the DuckDB half alone); then, when a selected one needs PostgreSQL and none answers, stop before
    the first test with one line (a collection error: pytest and each xdist worker run nothing)."""
    for item in items:
        if _needs_postgres(item):
            item.add_marker(pytest.mark.postgres)
        group = _shared_fixture_group(item)
        if group and not item.get_closest_marker("xdist_group"):
            item.add_marker(pytest.mark.xdist_group(group))
    yield
    message = _ungrouped(session, items)
    if not message and any(item.get_closest_marker("postgres") for item in items) and not _postgres_answers():
        message = (
            f"no PostgreSQL answers at NABD_TEST_POSTGRES_URL={POSTGRES_URL}: scripts/test starts "
            'a private one; -m "not postgres" runs the DuckDB tests alone'
        )
    if message:
        session.config.hook.pytest_collectreport(report=pytest.CollectReport("", "failed", message, []))
        items.clear()


def pytest_configure(config: pytest.Config) -> None:
    """One cache of compiled queries (nabd.store.compiled) for the whole run, in a folder of its own: shared by the
    xdist workers and the commands the tests start (they inherit the environment), never the user's ~/.cache."""
    if "NABD_TEST_CACHE" in os.environ:  # a worker, or a run started by a test: the run's cache is set
        return
    folder = tempfile.mkdtemp(prefix="nabd-test-cache-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    os.environ["NABD_TEST_CACHE"] = os.environ["XDG_CACHE_HOME"] = folder


def _ungrouped(session: pytest.Session, items: list[pytest.Item]) -> str | None:
    """Under --dist loadgroup pytest-xdist runs a group on one worker by adding "@group" to each node id; a pytest
    it does not support ignores that without a word (every worker then builds every shared fixture): say so."""
    if not getattr(session.config.option, "loadgroup", False):
        return None
    ungrouped = [item.nodeid for item in items if item.get_closest_marker("xdist_group") and "@" not in item.nodeid]
    if not ungrouped:
        return None
    return (f"pytest-xdist's --dist loadgroup did not group {len(ungrouped)} tests (e.g. {ungrouped[0]}) under pytest "
            f"{pytest.__version__}: install the versions pyproject.toml's test extra names (scripts/bootstrap test)")


def _shared_fixture_group(item: pytest.Item) -> str | None:
    """The xdist group of a test that reads a fixture built once per session or module (a demo company, a
    live server, a browser): named for the session fixture at the root of what it reads (the demo company
    under a scored copy of it), else for its module. Under `--dist loadgroup` (scripts/test) one worker
    runs every test of a group, so each is built once, not once per worker."""
    definitions = getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", {})
    ours = {name: definition for name in item.fixturenames for definition in definitions.get(name, ())[-1:]
            if definition.func.__module__.startswith("tests") and not getattr(definition, "_autouse", False)}
    shared = {name for name, definition in ours.items() if definition.scope == "session"}
    roots = sorted(name for name in shared if not shared & set(ours[name].argnames))
    if roots:
        return f"session:{roots[0]}"
    if any(definition.scope in ("module", "package") for definition in ours.values()):
        return f"module:{item.nodeid.split('::')[0]}"
    return None


def _postgres_answers() -> bool:
    try:
        psycopg.connect(POSTGRES_URL, connect_timeout=3).close()
    except psycopg.OperationalError:
        return False
    return True


TEST_SCHEMA = "nabd_test"  # the schema of every test database (a database of its own per test: the name is free)


def _on_server(*statements: str) -> None:
    """Run statements outside a transaction (CREATE and DROP DATABASE) on the server of POSTGRES_URL."""
    with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
        for statement in statements:
            connection.execute(statement)


def _database_url(database: str) -> str:
    """The store URL of ``database`` on the server of POSTGRES_URL, in its schema TEST_SCHEMA."""
    return f"{POSTGRES_URL.split('?', 1)[0].rsplit('/', 1)[0]}/{database}?schema={TEST_SCHEMA}"


def drop_database(database: str) -> None:
    """Drop a test's database, closing any connection a test left open to it."""
    _on_server(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def fresh_url(backend: str, tmp_path) -> tuple[str, str | None]:
    """A URL to an empty store on ``backend``, and on PostgreSQL the database made for it (drop_database it
    afterwards): each test has a database of its own, which the server makes and drops in ~0.1 s (a schema
    with Nabd's tables took ~0.5 s to make from a dump and ~0.4 s to drop)."""
    if backend == "duckdb":
        return f"duckdb:///{tmp_path / 'nabd.duckdb'}", None
    database = f"nabd_test_{uuid.uuid4().hex[:12]}"
    _on_server(f'CREATE DATABASE "{database}" TEMPLATE template0')
    return _database_url(database), database


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


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashes() -> Iterator[None]:
    """Argon2 with its lightest parameters in this process: the shipped ones (argon2-cffi's defaults, 64 MiB and
    three passes) cost ~0.1 s a hash and a login, paid by some 600 tests that add a user or log in. The hashes
    are argon2id all the same; servers the tests start as subprocesses keep the shipped parameters."""
    from argon2 import PasswordHasher

    from nabd.web import users

    shipped = users._hasher
    users._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    users._hasher = shipped


@pytest.fixture(params=BACKENDS)
def store_url(request, tmp_path) -> Iterator[str]:
    """A URL to an empty database, on DuckDB and on the real PostgreSQL server in turn."""
    url, database = fresh_url(request.param, tmp_path)
    yield url
    if database:
        drop_database(database)


@functools.cache
def _migrated_duckdb() -> Path:
    """An empty DuckDB store with the current schema, made once per test process (not a fixture: a session
    fixture would put every test that reads it in one xdist group)."""
    folder = Path(tempfile.mkdtemp(prefix="nabd-template-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "nabd.duckdb"
    open_store(f"duckdb:///{path}").close()
    return path


@functools.cache
def _migrated_postgres() -> str:
    """A PostgreSQL database holding the current schema, migrated once per test process and dropped when it
    ends: the template each test's database is copied from."""
    database = f"nabd_template_{uuid.uuid4().hex[:12]}"
    _on_server(f'CREATE DATABASE "{database}" TEMPLATE template0')
    atexit.register(drop_database, database)
    open_store(_database_url(database)).close()
    return database


def with_schema(url: str) -> str:
    """``url`` (a new, empty store from :func:`fresh_url`) given the current schema before anything opens it, in
    one step: on DuckDB a copy of a store migrated once per process (migrating costs ~0.3 s a store, opening a
    copy ~0.03 s), on PostgreSQL its database made again as a copy of one migrated once per process (CREATE
    DATABASE ... TEMPLATE, ~0.1 s). tests/store/test_migrations.py checks both against migrating."""
    if url.startswith("duckdb:///"):
        shutil.copyfile(_migrated_duckdb(), url.removeprefix("duckdb:///"))
    else:
        database = parse_url(url).database
        _on_server(f'DROP DATABASE "{database}"', f'CREATE DATABASE "{database}" TEMPLATE "{_migrated_postgres()}"')
    return url


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """An open store with the current schema, on each backend in turn."""
    opened = open_store(with_schema(store_url))
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


@pytest.fixture(scope="session")
def copy_demo(demo_store: Store) -> Callable[[Path], str]:
    """``copy_demo(folder)``: the URL of a copy of ``demo_store``'s file written in ``folder``, to change freely."""

    def copy(folder: Path) -> str:
        demo_store.execute("CHECKPOINT")  # every row in the file itself, so the copy holds them all
        shutil.copyfile(demo_store.url.path, folder / "nabd.duckdb")
        return f"duckdb:///{folder / 'nabd.duckdb'}"

    return copy
