"""Compiled SQL kept: a query over the as-of date is built and compiled once per recipe, then read.

Building an Ibis expression and compiling it costs 0.1-1.5 s per query, paid by every process that runs it
(a daily run compiles the scoring, the backtest, the renewal forecast and each indicator), whatever the
size of the data. :func:`kept_per_day` keeps the SQL a ``write`` function returns (written on the
sentinel date: nabd.store.per_day) under a key of everything it depends on: the caller's ``recipe`` (the
query's name and the versions of what it reads: a scorecard's version, the settings of the indicators...),
the engine, Nabd's code, Ibis' and sqlglot's versions and the settings. It is kept in this process, for
every database of the engine (the SQL names tables without a schema: PostgreSQL's schema is the
connection's search_path), and in the database's compiled-query folder (nabd.store.places:
``FILE.duckdb.compiled`` beside a DuckDB file), for the next process.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from collections.abc import Callable
from pathlib import Path

import ibis
import sqlglot

import nabd
from nabd.config import load_settings
from nabd.store.connection import Store
from nabd.store.per_day import DaySQL, per_day_sql
from nabd.store.places import place_of

# This process's compiled SQL, by key without the database.
_COMPILED_HERE: dict[str, str] = {}


def kept_per_day(store: Store, recipe: str, write: Callable[[], str]) -> DaySQL:
    """The SQL ``write()`` returns (a query on the sentinel date), written once per key (see the module) and
    read afterwards from this process or the database's compiled-query folder; called with a date, that date's
    SQL. ``recipe`` starts with the query's name (the kept file's name) and names every input of ``write``
    that is not code or settings."""
    here = _key(store, recipe, database=False)
    folder = place_of(store.url, "compiled")
    name = re.sub(r"[^a-z0-9]+", "-", recipe.split(" ", 1)[0].lower()).strip("-") or "query"
    kept = folder / f"{name}-{_key(store, recipe)}.sql" if folder is not None else None
    sql = _COMPILED_HERE.get(here)
    if sql is None and kept is not None and kept.is_file():
        sql = kept.read_text(encoding="utf-8")
    if sql is None:
        sql = write()
    for_day = per_day_sql(sql)  # refuses a query without its as-of date before keeping it
    if kept is not None and not kept.is_file():
        _keep(kept, sql)
    _COMPILED_HERE[here] = sql
    return for_day


def _key(store: Store, recipe: str, database: bool = True) -> str:
    """What kept SQL depends on, hashed: any change makes another key (the database too, unless ``database``
    is False)."""
    parts = [recipe, store.kind, *([str(store.url)] if database else []), _code_fingerprint(),
             ibis.__version__, sqlglot.__version__, repr(load_settings())]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:24]


@functools.cache
def _code_fingerprint() -> str:
    """Nabd's source files (path, size, modification time), so an edited or upgraded Nabd compiles afresh."""
    package = Path(nabd.__file__).parent
    stats = sorted((str(path.relative_to(package)), path.stat().st_size, path.stat().st_mtime_ns)
                   for path in package.rglob("*") if path.suffix in (".py", ".sql", ".yaml", ".json"))
    return hashlib.sha256(repr((nabd.__version__, stats)).encode()).hexdigest()


def _keep(path: Path, sql: str) -> None:
    """Write ``sql`` to ``path`` atomically, readable by its owner only (folder 0700, file 0600)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    with os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as file:
        file.write(sql)
    os.replace(partial, path)
