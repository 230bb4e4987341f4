"""Fixtures shared by the whole suite: a fresh store on each backend, isolated per test."""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from nabd.store import Store, open_store
from nabd.web.warm import WARM_SECONDS as SHIPPED_WARM_SECONDS
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


# The system catalogs every test schema's tables add rows to and, dropped, leave dead: ~1.5 million dead rows
# of pg_attribute a run. With autovacuum off they pile up run after run and every CREATE and lookup slows
# (5.3 million dead rows: a store's schema took ~25% longer to make; 11.5 s to vacuum them).
CHURNED_CATALOGS = ("pg_attribute", "pg_class", "pg_depend", "pg_type", "pg_index", "pg_constraint", "pg_attrdef",
                    "pg_sequence", "pg_namespace")


def pytest_configure(config: pytest.Config) -> None:
    """One cache of compiled queries (nabd.store.compiled) for the whole run, in a folder of its own: shared by the
    xdist workers and the commands the tests start (they inherit the environment), never the user's ~/.cache."""
    if "NABD_TEST_CACHE" in os.environ:  # a worker, or a run started by a test: the run's cache is set
        return
    folder = tempfile.mkdtemp(prefix="nabd-test-cache-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    os.environ["NABD_TEST_CACHE"] = os.environ["XDG_CACHE_HOME"] = folder


def pytest_sessionstart(session: pytest.Session) -> None:
    """Before a run that uses PostgreSQL (once, in the process that hands out the tests), vacuum the catalogs the
    tests churn when the server does not vacuum on its own."""
    if hasattr(session.config, "workerinput") or not _postgres_answers():
        return
    with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
        if connection.execute("SHOW autovacuum").fetchone()[0] == "off":
            connection.execute("VACUUM " + ", ".join(f"pg_catalog.{name}" for name in CHURNED_CATALOGS))


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


@pytest.fixture(scope="session", autouse=True)
def dashboards_computed_when_asked() -> Iterator[None]:
    """In this process, a server's dashboard warmer (nabd.web.warm) waits an hour between looks instead of 2 s: else
    every test that holds a server over 2 s computes the dashboard of each segment in the background (~170
    CPU-seconds of a run, measured), competing with the test it runs beside. Pages compute what they show when
    asked; tests/web/test_warm.py tests the warmer with the shipped period; servers the tests start as
    subprocesses keep it."""
    from nabd.web import warm

    warm.WARM_SECONDS = 3600.0
    yield
    warm.WARM_SECONDS = SHIPPED_WARM_SECONDS


@pytest.fixture(params=BACKENDS)
def store_url(request, tmp_path) -> Iterator[str]:
    """A URL to an empty database, on DuckDB and on the real PostgreSQL server in turn."""
    url, schema = fresh_url(request.param, tmp_path)
    yield url
    if schema:
        _drop_schema(schema)


@functools.cache
def _migrated_duckdb() -> Path:
    """An empty DuckDB store with the current schema, made once per test process (not a fixture: a session
    fixture would put every test that reads it in one xdist group)."""
    folder = Path(tempfile.mkdtemp(prefix="nabd-template-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "nabd.duckdb"
    open_store(f"duckdb:///{path}").close()
    return path


SCHEMA_MARK = "nabd_schema_copied_here"


@functools.cache
def _migrated_postgres_sql() -> str | None:
    """SQL making a PostgreSQL schema named SCHEMA_MARK as Nabd's migrations leave one: pg_dump (tables, keys,
    indexes and rows) of a schema migrated once per test process, which it then drops. None when pg_dump is
    missing or refuses the server (older than it): each store then migrates when opened, only slower."""
    template = f"nabd_template_{uuid.uuid4().hex[:12]}"
    open_store(f"{POSTGRES_URL}?schema={template}").close()
    try:
        dumped = subprocess.run(
            ["pg_dump", "--dbname", POSTGRES_URL, "--schema", template, "--no-owner", "--no-privileges", "--inserts"],
            capture_output=True, text=True, check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    finally:
        _drop_schema(template)
    statements = [line for line in dumped.splitlines() if not line.startswith("\\")]  # psql's \restrict lines
    return "\n".join(statements).replace(template, SCHEMA_MARK)


def with_schema(url: str) -> str:
    """``url`` (a new, empty database) given the current schema before anything opens it, in one step: on
    DuckDB a copy of a store migrated once per process (migrating costs ~0.3 s a store, opening a copy
    ~0.03 s), on PostgreSQL the replay of a migrated schema's dump in one transaction (~0.3 s, migrating
    ~0.7 s; scripts/test installs pg_dump). tests/store/test_migrations.py checks both against migrating."""
    if url.startswith("duckdb:///"):
        shutil.copyfile(_migrated_duckdb(), url.removeprefix("duckdb:///"))
    elif (sql := _migrated_postgres_sql()) is not None:
        schema = url.rsplit("?schema=", 1)[1]
        with psycopg.connect(POSTGRES_URL, autocommit=True) as connection, connection.transaction():
            connection.execute(sql.replace(SCHEMA_MARK, schema))
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
