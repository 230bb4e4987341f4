"""Why a headline moved: its change from the month before split by segment, plan, CSM and cohort
(``change_explained`` from the metrics registry); each split's contributions add up to the change."""

from __future__ import annotations

from datetime import date
from typing import Any

from nabd.metrics.registry import METRICS, compute
from nabd.report.figures import months_before
from nabd.store import Store

DIMENSIONS: tuple[str, ...] = ("segment", "plan", "csm", "cohort")


def change_by(store: Store, metric: str, month: date, by: str, reporting_currency: str = "USD") -> list[dict[str, Any]]:
    """Rows of change_explained of ``metric`` from the month before ``month`` to ``month``, by ``by``, largest
    contribution first: group, value_before, value_after, contribution, total_before/after/change."""
    params: dict[str, Any] = {"metric": metric, "period": "month", "start": months_before(month, 1), "end": month, "by": by}
    if METRICS[metric].accepts("reporting_currency"):
        params["reporting_currency"] = reporting_currency
    rows = compute(store, "change_explained", **params).to_pylist()
    return [{**row, "group": row.pop(by)} for row in rows]


def explanations(store: Store, headlines: list[dict[str, Any]], month: date, reporting_currency: str = "USD",
                 only_moved: bool = True) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Per headline that moved beyond its noise (every explainable one unless ``only_moved``), its change by
    each of DIMENSIONS."""
    found = {}
    for headline in headlines:
        if headline["explained_by"] and headline["change"] is not None and (headline["moved"] or not only_moved):
            found[headline["key"]] = {by: change_by(store, headline["explained_by"], month, by, reporting_currency)
                                      for by in DIMENSIONS}
    return found
