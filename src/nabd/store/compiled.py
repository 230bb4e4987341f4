"""Compiled SQL kept: a query over the as-of date is built and compiled once per recipe, then read.

Building an Ibis expression and compiling it costs 0.1-1.5 s per query, paid by every process that runs it
(a daily run compiles the scoring, the backtest, the renewal forecast and each indicator), whatever the
size of the data. :func:`kept_per_day` keeps the SQL a ``write`` function returns (written on the
sentinel date: nabd.store.per_day) under a key of everything it depends on: the caller's ``recipe`` (the
query's name and the versions of what it reads: a scorecard's version, the settings of the indicators...),
the engine, Nabd's code, Ibis' and sqlglot's versions and the settings but the database's URL. The SQL names
tables without a catalog or schema (PostgreSQL's schema is the connection's search_path), so it serves every
database of the engine: it is kept in this process and in the user's cache (nabd.store.places.user_cache:
``~/.cache/nabd/compiled``), for the next process, whatever database it opens. A cache that cannot be
written is skipped: the query is compiled again by the next process.
"""

from __future__ import annotations

import contextlib
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
from nabd.store.places import user_cache

# This process's compiled SQL, by key.
_COMPILED_HERE: dict[str, str] = {}


def kept_per_day(store: Store, recipe: str, write: Callable[[], str]) -> DaySQL:
    """The SQL ``write()`` returns (a query on the sentinel date), written once per key (see the module) and
    read afterwards from this process or the user's cache; called with a date, that date's SQL. ``recipe``
    starts with the query's name (the kept file's name) and names every input of ``write`` that is not code
    or settings."""
    key = _key(store, recipe)
    name = re.sub(r"[^a-z0-9]+", "-", recipe.split(" ", 1)[0].lower()).strip("-") or "query"
    kept = user_cache("compiled") / f"{name}-{key}.sql"
    sql = _COMPILED_HERE.get(key)
    if sql is None and kept.is_file():
        sql = kept.read_text(encoding="utf-8")
    if sql is None:
        sql = write()
    for_day = per_day_sql(sql)  # refuses a query without its as-of date before keeping it
    if not kept.is_file():
        _keep(kept, sql)
    _COMPILED_HERE[key] = sql
    return for_day


def _key(store: Store, recipe: str) -> str:
    """What kept SQL depends on, hashed: any change makes another key. The database's URL is left out of the
    settings: the SQL is the same on every database of the engine."""
    settings = load_settings().model_copy(update={"database_url": ""})
    parts = [recipe, store.kind, _code_fingerprint(), ibis.__version__, sqlglot.__version__, repr(settings)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:24]


@functools.cache
def _code_fingerprint() -> str:
    """Nabd's source files (path, size, modification time), so an edited or upgraded Nabd compiles afresh."""
    package = Path(nabd.__file__).parent
    stats = sorted((str(path.relative_to(package)), path.stat().st_size, path.stat().st_mtime_ns)
                   for path in package.rglob("*") if path.suffix in (".py", ".sql", ".yaml", ".json"))
    return hashlib.sha256(repr((nabd.__version__, stats)).encode()).hexdigest()


def _keep(path: Path, sql: str) -> None:
    """Write ``sql`` to ``path`` atomically, readable by its owner only (folder 0700, file 0600); nothing when
    the folder cannot be written (a read-only home): the cache is only a saving."""
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as file:
            file.write(sql)
        os.replace(partial, path)
    except OSError:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
