"""Compiled SQL kept: a query over the as-of date is built and compiled once per recipe, then read.

Building an Ibis expression and compiling it costs 0.1-1.5 s per query, paid by every process that runs it
(a daily run compiles the scoring, the backtest, the renewal forecast and each indicator), whatever the
size of the data. :func:`kept_per_day` keeps the SQL a ``write`` function returns (written on the
sentinel date: nabd.store.per_day) under a key of everything it depends on: the caller's ``recipe`` (the
query's name and the versions of what it reads: a scorecard's version, the settings of the indicators...),
the engine, Nabd's code, Ibis' and sqlglot's versions and the settings but the database's URL. The SQL names
tables without a catalog or schema (PostgreSQL's schema is the connection's search_path), so it serves every
database of the engine: it is kept in this process (the 512 used last) and in the user's cache
(nabd.store.places.user_cache: ``~/.cache/nabd/compiled``), for the next process, whatever database it opens. A
file nobody has read for 30 days is deleted when another is written; a cache that cannot be written is skipped:
the query is compiled again by the next process.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

import ibis
import ibis.expr.operations as ops
import pyarrow as pa
import sqlglot

import nabd
from nabd.config import load_settings
from nabd.store.connection import Store
from nabd.store.per_day import DaySQL, per_day_sql
from nabd.store.places import user_cache
from nabd.store.sql import string_literal

# This process's compiled SQL, by key, the most recently used last (at most _KEPT_HERE of them).
_COMPILED_HERE: OrderedDict[str, str] = OrderedDict()
_KEPT_HERE = 512
_HERE_LOCK = threading.Lock()  # the web app's requests run in threads
# A kept file nobody has read for this long is deleted when another is written (a range's metrics are kept per range).
_UNUSED_FOR = 30 * 24 * 3600
_SCHEMA_LINE = "-- nabd result: "


def kept_per_day(store: Store, recipe: str, write: Callable[[], str]) -> DaySQL:
    """The SQL ``write()`` returns (a query on the sentinel date), written once per key (see the module) and
    read afterwards from this process or the user's cache; called with a date, that date's SQL. ``recipe``
    starts with the query's name (the kept file's name) and names every input of ``write`` that is not code
    or settings."""
    def checked() -> str:
        sql = write()
        per_day_sql(sql)  # refuses a query without its as-of date before keeping it
        return sql

    return per_day_sql(_kept(store, recipe, checked))


def kept_rows(store: Store, recipe: str, build: Callable[[], ibis.Table]) -> pa.Table:
    """The rows of the expression ``build()`` returns, typed as its ``to_pyarrow()`` would type them; its SQL is
    written once per key (see the module) and run from this process's copy or the user's cache afterwards.
    ``recipe`` names the query and every input of ``build`` that is not code or settings (the range, the breakdown).
    On Spark nothing is kept: the expression runs as it is (its jobs cost seconds, compiling it a fraction)."""
    if store.kind == "spark":
        return build().to_pyarrow()

    def write() -> str:
        expression = build()
        types = {name: str(kind) for name, kind in expression.schema().items()}
        return f"{_SCHEMA_LINE}{json.dumps(types)}\n{standalone_sql(store, expression)}"

    header, sql = _kept(store, recipe, write).split("\n", 1)
    return store.arrow(sql, ibis.schema(json.loads(header.removeprefix(_SCHEMA_LINE))))


def kept_account_rows(store: Store, recipe: str, build: Callable[[], ibis.Table], account_id: str) -> list[dict]:
    """The rows of ``build()``, an Ibis table with an ``account_id`` column, for one account: its SQL is kept per
    recipe (see the module) and run with the account as a parameter, so a per-account page never pays Ibis's build
    and compile time. ``recipe`` names everything ``build`` depends on (e.g. the as-of date)."""
    sql = _kept(store, recipe, lambda: standalone_sql(store, build()))
    return store.records(f"SELECT * FROM ({sql}) AS one_account WHERE account_id = ?", [account_id])


def standalone_sql(store: Store, expression: ibis.Expr) -> str:
    """``expression``'s SQL with each in-memory table it reads written into it (a WITH of its rows as VALUES), so
    the text runs in any connection: Ibis names a memtable that only the connection that ran the expression holds."""
    sql = store.ibis.compile(expression)
    compiler = store.ibis.compiler
    inline = []
    for table in expression.op().find(ops.InMemoryTable):
        names, kinds = table.schema.names, [compiler.type_mapper.from_ibis(kind).sql(compiler.dialect)
                                            for kind in table.schema.types]
        rows = table.data.to_pyarrow(table.schema).to_pylist()
        cells = ["(" + ", ".join(_cell(row[name], kind) for name, kind in zip(names, kinds)) + ")" for row in rows]
        columns = ", ".join(f'"{name}"' for name in names)
        if cells:
            inline.append(f'"{table.name}"({columns}) AS (VALUES {", ".join(cells)})')
        else:
            nulls = ", ".join(f"CAST(NULL AS {kind})" for kind in kinds)
            inline.append(f'"{table.name}"({columns}) AS (SELECT {nulls} WHERE FALSE)')
    if not inline:
        return sql
    if sql.startswith("WITH "):
        return f"WITH {', '.join(inline)}, {sql.removeprefix('WITH ')}"
    return f"WITH {', '.join(inline)} {sql}"


def _cell(value: object, kind: str) -> str:
    """One value of a VALUES list, as text cast to the column's type (dates, numbers, text, booleans alike)."""
    return f"CAST(NULL AS {kind})" if value is None else f"CAST({string_literal(str(value))} AS {kind})"


def _kept(store: Store, recipe: str, write: Callable[[], str]) -> str:
    """The text kept under ``recipe``'s key: this process's copy, else the user's cache, else ``write()`` kept."""
    key = _key(store, recipe)
    name = re.sub(r"[^a-z0-9]+", "-", recipe.split(" ", 1)[0].lower()).strip("-") or "query"
    kept = user_cache("compiled") / f"{name}-{key}.sql"
    with _HERE_LOCK:
        sql = _COMPILED_HERE.get(key)
    if sql is None:
        with contextlib.suppress(OSError):
            sql = kept.read_text(encoding="utf-8")
            os.utime(kept)  # read now: not pruned as unused
    if sql is None:
        sql = write()
        _keep(kept, sql)
    with _HERE_LOCK:
        _COMPILED_HERE[key] = sql
        _COMPILED_HERE.move_to_end(key)
        while len(_COMPILED_HERE) > _KEPT_HERE:
            _COMPILED_HERE.popitem(last=False)
    return sql


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
        _prune(path.parent)
        with os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as file:
            file.write(sql)
        os.replace(partial, path)
    except OSError:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)


def _prune(folder: Path) -> None:
    """Delete the kept files of ``folder`` nobody has read for _UNUSED_FOR (an old range's metrics, an old version's)."""
    unused_since = time.time() - _UNUSED_FOR
    for path in folder.glob("*.sql"):
        with contextlib.suppress(OSError):
            if path.stat().st_mtime < unused_since:
                path.unlink()
