"""The engine a command computes on: the database's own (DuckDB or PostgreSQL), or Spark over the canonical
tables as Parquet (nabd.store.spark); and ``nabd export parquet DIR``, which writes that folder.

``--engine spark --parquet DIR [--spark-master URL]`` opens the folder on Spark; the command builds the same
expressions as on the database and writes its results to ``DIR/results/`` as Parquet.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import pyarrow as pa
import typer

from nabd.console import DatabaseOption, console, open_configured_store
from nabd.errors import NabdError
from nabd.metrics.registry import compute, metric_expression
from nabd.store import Store
from nabd.store.parquet import export_parquet
from nabd.store.spark import SparkStore, spark_store, write_parquet


class Engine(str, Enum):
    database = "database"
    spark = "spark"


EngineOption = Annotated[Engine, typer.Option(
    "--engine", help="Where to compute: database (DuckDB or PostgreSQL, --database) or spark (the Parquet "
    "folder of --parquet, results written beside it as Parquet).")]
ParquetOption = Annotated[str | None, typer.Option(
    "--parquet", help="With --engine spark: the folder of `nabd export parquet` (a path, or hdfs:// s3a:// ...).",
    show_default=False)]
SparkMasterOption = Annotated[str | None, typer.Option(
    "--spark-master", help="With --engine spark: the master URL, e.g. local[2] or spark://HOST:7077 "
    "(default: spark-submit's, else local[*]).", show_default=False)]


@contextmanager
def engine_store(engine: Engine, parquet: str | None, master: str | None, database: str | None) -> Iterator[Store]:
    """The store a command computes on: the configured database, or the Parquet folder on Spark."""
    if engine is Engine.database:
        if parquet or master:
            raise NabdError("--parquet and --spark-master go with --engine spark")
        with open_configured_store(database) as store:
            yield store
        return
    if not parquet:
        raise NabdError("--engine spark needs --parquet DIR: the folder of `nabd export parquet DIR`")
    store = spark_store(parquet, master)
    try:
        yield store
    finally:
        store.close()


def metric_rows(store: Store, name: str, **params: Any) -> pa.Table:
    """Metric ``name`` (nabd.metrics.registry.compute); on Spark, also written to ``DIR/results/metrics/<name>/``."""
    if not isinstance(store, SparkStore):
        return compute(store, name, **params)
    path = write_parquet(store, metric_expression(store, name, **params), "metrics", name)
    return store.ibis.read_parquet(path).to_pyarrow()


def register(app: typer.Typer) -> None:
    """Add `nabd export parquet` to the `nabd` application."""
    export_app = typer.Typer(help="Write the canonical tables out for another engine: `nabd export parquet DIR`.",
                             no_args_is_help=True)

    @export_app.command("parquet")
    def parquet_command(
        folder: Annotated[Path, typer.Argument(help="The folder to write DIR/<table>.parquet into.")],
        database: DatabaseOption = None,
    ) -> None:
        """Write each canonical table to DIR/<table>.parquet, for `nabd score --engine spark --parquet DIR`."""
        with open_configured_store(database) as store:
            rows = export_parquet(store, folder, lambda name, count: console.print(
                f"{name}: {count:,} rows", highlight=False))
        console.print(f"wrote {len(rows)} tables to {folder}", highlight=False)

    app.add_typer(export_app, name="export")
