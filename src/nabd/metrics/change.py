"""Change explained: how much each segment moved a metric between two periods.

A metric defined as total = scale x sum(N_s) / sum(D_s) over segments s changes by
sum_s [scale x (N1_s / D1 - N0_s / D0)], so each segment's contribution is its term and the
contributions add up to the total change exactly (D0, D1 = totals of the two periods). An
additive metric (no denominator) contributes value1_s - value0_s.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, Protocol

import ibis

from nabd.errors import NabdError
from nabd.metrics.breakdown import side_by_side
from nabd.metrics.ratios import ratio
from nabd.store import Store


class Explainable(Protocol):
    """A metric as the registry (nabd.metrics.registry.MetricSpec) describes it: enough to split its change."""

    function: Callable[..., ibis.Table]
    parts: Callable[[ibis.Table], tuple[ibis.Value, ibis.Value | None]] | None
    scale: float


def change_explained(
    store: Store, *, metrics: Mapping[str, Explainable], metric: str, period: str = "month", start: date, end: date,
    by: str = "segment", **params: Any,
) -> ibis.Table:
    """Per group: value_before (period containing ``start``), value_after (period containing ``end``), change, and
    contribution = scale x (N_after / D_after_total - N_before / D_before_total); contributions sum to total_change.

    ``metrics`` is the registry (it passes itself), where ``metric`` is looked up."""
    spec = metrics.get(metric)
    if spec is None or spec.parts is None:
        explainable = ", ".join(name for name, s in metrics.items() if s.parts is not None)
        raise NabdError(f"cannot explain the change of {metric!r}: use one of {explainable}")
    if by is None:
        raise NabdError("change explained needs a breakdown: pass --by segment (or plan, country, csm, cohort)")
    additive = False
    sides = []
    for side, day in (("before", start), ("after", end)):
        table = spec.function(store, period=period, start=day, end=day, by=by, **params)
        numerator, denominator = spec.parts(table)
        additive = denominator is None
        sides.append(table.select(by, **{f"n_{side}": numerator.cast("float64"),
                                         f"d_{side}": (denominator if denominator is not None else ibis.literal(1)).cast("float64")}))
    rows = side_by_side([by], *sides)
    rows = rows.mutate(**{c: rows[c].fill_null(0.0) for c in ("n_before", "d_before", "n_after", "d_after")})
    totals = rows.aggregate(
        total_n_before=rows.n_before.sum(), total_d_before=rows.d_before.sum(),
        total_n_after=rows.n_after.sum(), total_d_after=rows.d_after.sum(),
    )
    rows = rows.cross_join(totals)
    if additive:
        before, after = rows.n_before, rows.n_after
        total_before, total_after = rows.total_n_before, rows.total_n_after
        contribution = after - before
    else:
        before = spec.scale * ratio(rows.n_before, rows.d_before)
        after = spec.scale * ratio(rows.n_after, rows.d_after)
        total_before = spec.scale * ratio(rows.total_n_before, rows.total_d_before)
        total_after = spec.scale * ratio(rows.total_n_after, rows.total_d_after)
        contribution = spec.scale * (
            ratio(rows.n_after, rows.total_d_after).fill_null(0.0) - ratio(rows.n_before, rows.total_d_before).fill_null(0.0)
        )
    return rows.select(
        by, value_before=before, value_after=after, change=after - before, contribution=contribution,
        total_before=total_before, total_after=total_after, total_change=total_after - total_before,
    ).order_by(ibis.desc(ibis._.contribution.abs()), by)
