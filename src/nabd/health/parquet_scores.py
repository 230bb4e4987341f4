"""Scores computed where the canonical tables lie as Parquet (Spark: nabd.store.spark), written back as Parquet,
and stored into the database the web app reads (``nabd score --engine spark --store-back``).

The score is :func:`nabd.health.score_expression.scored`, the same expression ``nabd score`` runs on DuckDB and
PostgreSQL. Its rows go to ``DIR/results/health_scores/scorecard_version=<v>/as_of=<day>/``; storing them back
is the ordinary scoring run's write (nabd.health.score_storage), reading those files instead of the query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from nabd.errors import NabdError
from nabd.health.score_expression import scored
from nabd.health.score_storage import store_scores
from nabd.health.scorecard import Scorecard
from nabd.store import Store
from nabd.store.clock import utc_now
from nabd.store.spark import SparkStore, write_parquet
from nabd.store.sql import string_literal


@dataclass
class ParquetScoringRun:
    """What one scoring run on Spark wrote: where, how many accounts, and how many in each band."""

    as_of: date
    path: str
    accounts: int
    unscored: int
    bands: dict[str, int]


def score_to_parquet(store: SparkStore, scorecard: Scorecard, as_of: date) -> ParquetScoringRun:
    """Score every active account on ``as_of`` on Spark and write the rows of :func:`scored` as Parquet."""
    path = write_parquet(store, scored(store, scorecard, as_of), *_parts(scorecard, as_of))
    written = store.ibis.read_parquet(path)
    by_band = written.group_by("band").aggregate(accounts=written.count()).to_pyarrow().to_pylist()
    counts = {row["band"]: row["accounts"] for row in by_band}
    unscored = counts.pop(None, 0)
    return ParquetScoringRun(as_of, path, sum(counts.values()) + unscored, unscored,
                             {b.id: counts.get(b.id, 0) for b in scorecard.bands})


def _parts(scorecard: Scorecard, as_of: date) -> tuple[str, str, str]:
    """health_scores/scorecard_version=<v>/as_of=<day> (Hive-style partitions)."""
    return "health_scores", f"scorecard_version={scorecard.version}", f"as_of={as_of.isoformat()}"


def store_back(store: Store, scorecard: Scorecard, path: str | Path, as_of: date) -> int:
    """Store the Parquet scores of ``path`` (from :func:`score_to_parquet`) in ``store``'s health_scores, with
    band changes, exactly as a scoring run on ``store`` would (re-running replaces); the rows stored."""
    files = sorted(str(p) for p in Path(path).glob("*.parquet"))
    if not files:
        raise NabdError(f"{path} holds no Parquet files of scores to store")
    if store.kind == "duckdb":
        scoring = f"SELECT * FROM read_parquet([{', '.join(string_literal(f) for f in files)}])"
    else:  # PostgreSQL reads no Parquet: the columns a run stores go in by COPY to a temporary table
        _copy_to_temporary(store, scorecard, pq.read_table(files))
        scoring = "SELECT * FROM spark_scores"
    store_scores(store, scorecard, scoring, as_of, utc_now(microseconds=True))
    return int(store.scalar("SELECT count(*) FROM health_scores WHERE as_of = ? AND scorecard_version = ?",
                            [as_of, scorecard.version]))



def _copy_to_temporary(store: Store, scorecard: Scorecard, rows: pa.Table) -> None:
    """``rows``' columns that a scoring run stores, in the PostgreSQL temporary table spark_scores (by COPY)."""
    types = {"account_id": "TEXT", "score": "BIGINT", "weighted_score": "DOUBLE PRECISION", "band": "TEXT",
             "coverage": "DOUBLE PRECISION", "weight_set": "BIGINT",
             **{f"{prefix}{m.id}": "DOUBLE PRECISION" for m in scorecard.measures for prefix in ("r__", "s__")}}
    store.execute("DROP TABLE IF EXISTS spark_scores")
    store.execute("CREATE TEMPORARY TABLE spark_scores ("
                  + ", ".join(f'"{name}" {kind}' for name, kind in types.items()) + ")")
    columns = rows.select(list(types)).to_pylist()
    names = ", ".join(f'"{name}"' for name in types)
    with store.raw.cursor() as cursor, cursor.copy(f"COPY spark_scores ({names}) FROM STDIN") as copy:
        for row in columns:
            copy.write_row(list(row.values()))
