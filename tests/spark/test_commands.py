"""The Spark engine from the command line: `nabd export parquet`, `nabd score --engine spark --store-back` and
`nabd metrics --engine spark`, in this process (Spark's session, started once, is reused)."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest

from nabd.cli import run_command
from nabd.health.score_expression import scored
from nabd.health.versions import shipped_scorecard
from nabd.store import open_store
from tests.conftest import _drop_schema, fresh_url
from tests.spark.conftest import AS_OF, Engines

# one worker runs every Spark test (scripts/test: --dist loadgroup): one JVM and one demo on three engines
pytestmark = pytest.mark.xdist_group("spark")


def test_scores_computed_on_spark_are_stored_back_as_a_scoring_run_on_the_database_stores_them(
    engines: Engines, tmp_path, capsys,
):
    folder = tmp_path / "exported"
    assert run_command(["export", "parquet", str(folder), "--database", engines.duckdb.url.display]) == 0
    assert (folder / "events.parquet").exists() and "activity_daily: " in capsys.readouterr().out
    target_url, schema = fresh_url("postgres", tmp_path)
    try:
        open_store(target_url).close()
        code = run_command(["score", "--engine", "spark", "--spark-master", "local[2]", "--parquet", str(folder),
                            "--as-of", AS_OF.isoformat(), "--store-back", "--database", target_url])
        out = capsys.readouterr().out
        assert code == 0, out
        card = shipped_scorecard()
        expected = {r["account_id"]: r for r in scored(engines.duckdb, card, AS_OF).to_pyarrow().to_pylist()}
        written = pq.read_table(folder / "results" / "health_scores" / f"scorecard_version={card.version}"
                                / f"as_of={AS_OF.isoformat()}")
        assert sorted(written["account_id"].to_pylist()) == sorted(expected)
        with open_store(target_url) as target:
            stored = target.records("SELECT account_id, score, band, weight_set, measure_values FROM health_scores "
                                    "WHERE as_of = ? AND scorecard_version = ?", [AS_OF, card.version])
            layout = target.scalar("SELECT count(*) FROM health_score_layouts WHERE scorecard_version = ?",
                                   [card.version])
        assert {r["account_id"] for r in stored} == set(expected) and layout == len(card.measures)
        for row in stored:
            want = expected[row["account_id"]]
            assert (row["score"], row["band"], row["weight_set"]) == (want["score"], want["band"], want["weight_set"])
            raw_and_scores = [want[f"{p}{m.id}"] for m in card.measures for p in ("r__", "s__")]
            assert all((a is None and b is None) or abs(a - b) <= 1e-9 for a, b in zip(row["measure_values"], raw_and_scores))
        assert f"stored {len(expected)} scores of {AS_OF}" in out
    finally:
        _drop_schema(schema)


def test_a_metric_on_spark_is_printed_and_written_as_parquet(engines: Engines, capsys):
    code = run_command(["metrics", "customer_churn", "--engine", "spark", "--parquet", str(engines.parquet),
                        "--from", "2026-08-01", "--to", "2026-10-31", "--format", "csv"])
    out = capsys.readouterr().out
    assert code == 0, out
    written = pq.read_table(engines.parquet / "results" / "metrics" / "customer_churn")
    assert out.splitlines()[0].split(",")[0] == "period_start" and written.num_rows == len(out.splitlines()) - 1 == 3


def test_the_spark_engine_without_its_folder_is_one_clear_line(capsys):
    assert run_command(["score", "--engine", "spark"]) == 1
    assert capsys.readouterr().err.strip() == (
        "error: --engine spark needs --parquet DIR: the folder of `nabd export parquet DIR`")
