"""The demo company on the three engines, built once per test session: DuckDB (embedded), PostgreSQL (the real
server) and Spark local mode (``local[2]``) over the Parquet folder ``nabd export parquet`` wrote from
PostgreSQL. Read them; do not change them (the store-back test writes scores into its own PostgreSQL copy)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest

from nabd.demo import build_demo
from nabd.feedback.analysis import analyse_comments
from nabd.playbooks.indicators import evaluate_indicators
from nabd.playbooks.onboarding import load_onboarding, refresh_onboarding
from nabd.store import Store, open_store
from nabd.store.parquet import export_parquet
from nabd.store.spark import SparkStore, spark_session, spark_store
from tests.conftest import _drop_schema, fresh_url

AS_OF = date(2026, 10, 31)
ANALYSED_SINCE = datetime(2026, 4, 1)  # the comments the sentiment measure reads (as `nabd demo` analyses them)
WARNED_ON = (date(2026, 10, 17), date(2026, 10, 24))  # early warnings the indicator_firings measure reads
DEMO = {"accounts": 80, "months": 18, "seed": 7, "end_date": AS_OF}
SMALL_SPARK = {  # a few rows per query: Spark's overheads per query, not its data, are the tests' time
    "spark.sql.shuffle.partitions": "1", "spark.default.parallelism": "2", "spark.ui.enabled": "false",
    "spark.sql.adaptive.enabled": "false",  # no re-planning between stages of a few rows
    "spark.sql.codegen.wholeStage": "false",  # no Java source compiled per query
    # the JVM compiles with C1 only and collects with one thread: the tests' queries are many and small, and C2's
    # compiler threads and the parallel collector cost more CPU than they save (tests/spark: 296 -> 215 CPU-s)
    "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
    "spark.sql.execution.arrow.pyspark.enabled": "true",  # memtables sent as Arrow, not pickled rows for Python workers
}


@dataclass
class Engines:
    """The same demo company on each engine, and the Parquet folder Spark reads."""

    duckdb: Store
    postgres: Store
    spark: SparkStore
    parquet: Path
    postgres_url: str


@pytest.fixture(scope="session")
def engines(tmp_path_factory) -> Iterator[Engines]:
    folder = tmp_path_factory.mktemp("spark_demo")
    duckdb = open_store(f"duckdb:///{folder / 'nabd.duckdb'}")
    build_demo(duckdb, **DEMO, workdir=folder / "duckdb_files")
    url, schema = fresh_url("postgres", folder)
    postgres = open_store(url)
    build_demo(postgres, **DEMO, workdir=folder / "postgres_files")
    for store in (duckdb, postgres):  # as `nabd demo` does: comments analysed, milestones met, warnings raised
        analyse_comments(store, since=ANALYSED_SINCE)
        refresh_onboarding(store, load_onboarding())
        for day in WARNED_ON:
            evaluate_indicators(store, day)
    export_parquet(postgres, folder / "parquet")
    spark = spark_store(folder / "parquet", session=spark_session("local[2]", SMALL_SPARK))
    yield Engines(duckdb, postgres, spark, folder / "parquet", url)
    spark.session.stop()
    duckdb.close()
    postgres.close()
    _drop_schema(schema)
