"""On the demo company, the MRR waterfall closes exactly for every month, in total and per segment."""

from datetime import date
from decimal import Decimal

import pytest

from nabd.metrics.mrr import mrr_movements


@pytest.mark.parametrize("by", [None, "segment"])
def test_the_demo_waterfall_closes_exactly_every_month(demo_store, by):
    # closing = opening + new + reactivation + expansion - contraction - churned + fx_effect, to the cent
    rows = mrr_movements(demo_store, start=date(2025, 5, 1), end=date(2026, 10, 1), by=by).to_pyarrow().to_pylist()
    assert len(rows) == 18 * (1 if by is None else 3)
    for row in rows:
        rebuilt = (
            row["opening_mrr"] + row["new"] + row["reactivation"] + row["expansion"]
            - row["contraction"] - row["churned"] + row["fx_effect"]
        )
        assert isinstance(rebuilt, Decimal)
        assert rebuilt == row["closing_mrr"], row
    assert sum(row["churned"] for row in rows) > 0 and sum(row["new"] for row in rows) > 0


def test_each_demo_month_opens_where_the_last_one_closed(demo_store):
    rows = mrr_movements(demo_store, start=date(2025, 5, 1), end=date(2026, 10, 1)).to_pyarrow().to_pylist()
    for earlier, later in zip(rows, rows[1:]):
        assert later["opening_mrr"] == earlier["closing_mrr"], (earlier["period_start"], later["period_start"])
