"""The same scorecard and metric expressions on DuckDB, PostgreSQL and Spark (local[2]) give the same answers on
the demo company: money exactly, ratios within 1e-9, every score and band equal. The measure types and metrics
are enumerated from their registries, so a new one runs on all three engines here or this fails."""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

import pyarrow as pa
import pytest
import yaml

from nabd.health.score_expression import scored
from nabd.health.scorecard import DEFAULT_SCORECARD, MEASURE_TYPES, parse_scorecard
from nabd.metrics.registry import METRICS, compute
from tests.spark.conftest import AS_OF, Engines

# one worker runs every Spark test (scripts/test: --dist loadgroup): one JVM and one demo on three engines
pytestmark = pytest.mark.xdist_group("spark")

TOLERANCE = 1e-9
# Parameters a measure type cannot do without (the scorecard refuses it otherwise); every other type runs bare.
NEEDED_PARAMS = {
    "custom": {"sql": "SELECT account_id, count(*) AS value FROM tickets WHERE opened_at < :as_of GROUP BY account_id"},
    "page_visits": {"page": "pricing"},
}
METRIC_RANGE = {"period": "month", "start": date(2026, 5, 1), "end": date(2026, 10, 31)}
METRIC_PARAMS = {"change_explained": {"metric": "revenue_retention", "by": "segment",
                                      "start": date(2026, 9, 1), "end": date(2026, 10, 1)}}


def assert_same_rows(expected: pa.Table, actual: pa.Table) -> None:
    """Same columns and types, same rows in key order (the columns that are not floats); decimals, integers,
    text and dates equal exactly, floats within TOLERANCE."""
    assert actual.schema == expected.schema
    keys = [f.name for f in expected.schema if not pa.types.is_floating(f.type)]
    want, got = (t.sort_by([(k, "ascending") for k in keys]).to_pylist() for t in (expected, actual))
    assert len(got) == len(want)
    for row_want, row_got in zip(want, got):
        for column, value in row_want.items():
            other = row_got[column]
            if isinstance(value, float) and other is not None:
                assert math.isclose(other, value, rel_tol=0, abs_tol=TOLERANCE) or (
                    math.isnan(value) and math.isnan(other)), (column, row_want, row_got)
            else:
                assert other == value, (column, row_want, row_got)


def every_measure_scorecard():
    """The default scorecard's bands and policy with one measure of each type in the registry (MEASURE_TYPES),
    alternately ranked by percentile (a window function) and by a piecewise rule."""
    content = yaml.safe_load(DEFAULT_SCORECARD.read_text(encoding="utf-8"))
    content.pop("segments", None)
    content["name"] = "every_measure"
    content["measures"] = [
        {"id": kind, "type": kind, "name": {"en": kind, "ar": kind}, "weight": 1,
         "params": {"window_days": 60, **NEEDED_PARAMS.get(kind, {})},
         "rule": {"kind": "percentile"} if n % 2 else {"kind": "piecewise", "points": [[0, 0], [10, 100]]}}
        for n, kind in enumerate(MEASURE_TYPES)
    ]
    return parse_scorecard(yaml.safe_dump(content, allow_unicode=True))


def test_the_default_scorecards_scores_and_bands_on_spark_equal_duckdb_and_postgres(engines: Engines):
    card = parse_scorecard(DEFAULT_SCORECARD.read_text(encoding="utf-8"))
    on_duckdb = scored(engines.duckdb, card, AS_OF).to_pyarrow()
    assert on_duckdb.num_rows > 40 and on_duckdb["band"].null_count < on_duckdb.num_rows
    assert_same_rows(on_duckdb, scored(engines.postgres, card, AS_OF).to_pyarrow())
    assert_same_rows(on_duckdb, scored(engines.spark, card, AS_OF).to_pyarrow())


def test_every_measure_type_gives_the_same_values_scores_and_bands_on_all_three_engines(engines: Engines):
    card = every_measure_scorecard()
    assert {m.type for m in card.measures} == set(MEASURE_TYPES)
    on_duckdb = scored(engines.duckdb, card, AS_OF).to_pyarrow()
    for kind in MEASURE_TYPES:  # a measure without a value anywhere would compare nothing
        assert on_duckdb[f"r__{kind}"].null_count < on_duckdb.num_rows, kind
    assert_same_rows(on_duckdb, scored(engines.postgres, card, AS_OF).to_pyarrow())
    assert_same_rows(on_duckdb, scored(engines.spark, card, AS_OF).to_pyarrow())


@pytest.mark.parametrize("name", list(METRICS))
def test_every_metric_on_spark_equals_duckdb_and_postgres(engines: Engines, name: str):
    params = {**METRIC_RANGE, **METRIC_PARAMS.get(name, {})}
    on_duckdb = compute(engines.duckdb, name, **params)
    assert on_duckdb.num_rows > 0
    assert_same_rows(on_duckdb, compute(engines.postgres, name, **params))
    assert_same_rows(on_duckdb, compute(engines.spark, name, **params))


def test_money_comes_back_from_spark_as_exact_decimals(engines: Engines):
    movements = compute(engines.spark, "mrr_movements", **METRIC_RANGE)
    closing = movements["closing_mrr"].to_pylist()
    assert pa.types.is_decimal(movements.schema.field("closing_mrr").type)
    assert all(isinstance(value, Decimal) for value in closing) and sum(closing) > 0
