"""The custom measure: a scorecard's own SQL over the canonical tables."""

from __future__ import annotations

import ibis

from nabd.health.scorecard import MeasureParams
from nabd.store import Store
from nabd.store.per_day import as_of_sql
from nabd.store.window import Window


def custom(store: Store, window: Window, params: MeasureParams) -> ibis.Table:
    """The scorecard's own SQL (account_id, value), ``:as_of`` replaced by the as-of date."""
    query = (params.sql or "").replace(":as_of", as_of_sql(window.as_of))
    typed = f"SELECT CAST(account_id AS TEXT) AS account_id, CAST(value AS DOUBLE PRECISION) AS value FROM ({query}) AS custom_measure"
    return store.ibis.sql(typed, schema={"account_id": "string", "value": "float64"})
