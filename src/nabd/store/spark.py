"""Spark, the third engine: the canonical tables as a folder of Parquet files, read by Spark through Ibis's
PySpark backend, so the scorecard and metric expressions built for DuckDB and PostgreSQL run unchanged.

The folder holds one ``<table>.parquet`` per canonical table (``nabd export parquet DIR``: nabd.store.parquet)
and results go back beside them under ``results/``. This module is Spark's dialect: everything Spark does
differently from DuckDB and PostgreSQL is here (opening a session, reading the folder, ``?`` parameters);
the expressions themselves have no per-engine copies. pyspark is the ``spark`` extra (``nabd[spark]``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.operations as ops

from nabd.errors import NabdError
from nabd.store.calendar import company_zone, rolled_up_zone
from nabd.store.connection import DatabaseURL, Store
from nabd.store.parquet import META_TABLE, RESULTS_FOLDER, exported_tables
from nabd.store.refusal import spark_refusal

MISSING_EXTRA = "the Spark engine needs the spark extra: pip install 'nabd[spark]' (and a Java 17 runtime)"
DEFAULT_MASTER = "local[*]"
SESSION_SETTINGS = {
    "spark.sql.session.timeZone": "UTC",  # the store's timestamps are naive UTC, as on DuckDB and PostgreSQL
    "spark.sql.parquet.inferTimestampNTZ.enabled": "true",  # ... and Parquet keeps them naive (TIMESTAMP_NTZ)
    "spark.sql.ansi.enabled": "false",  # Spark 4 turns ANSI on: a division by zero is null, as Ibis expects
    "spark.ui.showConsoleProgress": "false",  # no bars in CLI output or logs
}


def _dialect() -> Any:
    """Ibis's PySpark compiler taught what Spark has and Ibis does not write for it: the bitwise aggregates
    (usage measures keep a contact's weeks as bits: nabd.health.measures.activity), and a refusal raised
    while the query runs (nabd.store.refusal)."""
    from ibis.backends.sql.compilers.pyspark import PySparkCompiler

    class SparkDialect(PySparkCompiler):
        __slots__ = ()
        SIMPLE_OPS = {**PySparkCompiler.SIMPLE_OPS, ops.BitOr: "bit_or", ops.BitAnd: "bit_and", ops.BitXor: "bit_xor"}
        visit_Refusal = spark_refusal

    return SparkDialect()


def spark_session(master: str | None = None, settings: dict[str, str] | None = None) -> Any:
    """The process's SparkSession (made once): on ``master``, else spark-submit's, else local[*]."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise NabdError(MISSING_EXTRA) from None
    builder = SparkSession.builder.appName("nabd")
    submitted = "PYSPARK_GATEWAY_PORT" in os.environ  # started by spark-submit or pyspark: its master holds
    if master or not submitted:
        builder = builder.master(master or DEFAULT_MASTER)
    for key, value in {**SESSION_SETTINGS, **(settings or {})}.items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as error:  # no Java, a master that does not answer
        first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise NabdError(f"cannot start Spark on {master or DEFAULT_MASTER}: {first_line}") from None
    session.sparkContext.setLogLevel("ERROR")
    return session


@dataclass
class SparkStore(Store):
    """The canonical tables of a Parquet folder on Spark, for Ibis expressions and Spark SQL alike (read only)."""

    session: Any = None

    @property
    def kind(self) -> str:  # type: ignore[override]
        return "spark"

    @property
    def folder(self) -> str:
        return self.url.path

    def results(self, *parts: str) -> str:
        """Where a result is written: ``DIR/results/<parts...>``."""
        return "/".join([self.folder.rstrip("/"), RESULTS_FOLDER, *parts])

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> None:
        self.session.sql(sql, args=list(params)) if params else self.session.sql(sql)

    def fetchall(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple]:
        frame = self.session.sql(sql, args=list(params)) if params else self.session.sql(sql)
        return [tuple(row) for row in frame.collect()]

    def records(self, sql: str, params: Sequence[Any] | None = None) -> list[dict[str, Any]]:
        frame = self.session.sql(sql, args=list(params)) if params else self.session.sql(sql)
        return [row.asDict() for row in frame.collect()]

    @contextmanager
    def transaction(self) -> Iterator[None]:
        raise NabdError("a Parquet folder on Spark is read only: results are written as Parquet beside it")
        yield  # pragma: no cover

    def close(self) -> None:
        """Leave the session running: the process (or spark-submit) owns it, and starting one is slow."""


def spark_store(folder: str | Path, master: str | None = None, session: Any = None) -> SparkStore:
    """The Parquet folder ``folder`` (from ``nabd export parquet``) opened on Spark: each table a view."""
    location = str(folder)
    tables = exported_tables(location)
    if not tables:
        raise NabdError(f"{location} holds no Nabd tables as Parquet: make it with `nabd export parquet {location}`")
    session = session or spark_session(master)
    backend = ibis.pyspark.connect(session)
    backend.compiler = _dialect()
    for name, path in tables.items():
        backend.read_parquet(path, table_name=name)
    store = SparkStore(DatabaseURL(kind="spark", path=location), backend, session)  # type: ignore[arg-type]
    counted_in = rolled_up_zone(store) if META_TABLE in tables else "UTC"  # a folder written by another pipeline
    zone = company_zone()
    if counted_in != zone:  # the database recounts activity_daily when the zone changes; a folder cannot
        raise NabdError(f"{location} counts activity_daily's days in {counted_in}, but NABD_TIMEZONE is {zone}: "
                        "export it again (`nabd export parquet`) after a command has recounted them in the database")
    return store


def write_parquet(store: SparkStore, expression: ibis.Table, *parts: str) -> str:
    """Write ``expression``'s rows (computed on Spark) to ``DIR/results/<parts>`` (a Parquet folder, replaced)."""
    path = store.results(*parts)
    store.ibis.to_parquet(expression, path, mode="overwrite")
    return path
