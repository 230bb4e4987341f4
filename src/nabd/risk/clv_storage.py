"""Each account's expected residual lifetime value in the store (migration 0020: ``clv_predictions``), for the
account page, ``/api/v1/accounts/{id}/clv`` and the dashboard.

The values are the sBG model's (nabd.risk.lifetime_value.predict_retention_value: one fit per billing
cadence, on renewals known by as_of): residual value = value per period x DERL(d | n renewals), with its 95%
interval. ``nabd clv fit`` and the daily run store them; re-storing the same as_of replaces its rows.
"""

from __future__ import annotations

from datetime import date

import pyarrow as pa

from nabd.errors import NabdError
from nabd.risk.lifetime_value import DEFAULT_DISCOUNT_RATE, predict_retention_value
from nabd.store import Store
from nabd.store.clock import utc_now
from nabd.store.copying import copy_from_duckdb, duckdb_reader

COLUMNS = ["account_id", "as_of", "model", "cadence", "currency", "value_per_period", "renewals", "p_renew_next",
           "residual_value", "residual_lower", "residual_upper", "computed_at"]
NO_FIT = "no lifetime value fitted yet: run `nabd clv fit` (the daily run refreshes it once it can)"


def store_clv(store: Store, as_of: date, reporting_currency: str = "USD",
              discount_rate: float = DEFAULT_DISCOUNT_RATE) -> int:
    """Fit the sBG on the renewals known by ``as_of`` and store every active account's residual value; returns
    how many accounts were stored (a store the model cannot fit on is one NabdError line)."""
    if not store.scalar("SELECT count(*) FROM subscriptions"):
        raise NabdError("no subscriptions: the residual lifetime value needs the sBG model of renewals")
    # the horizon only sets P(active at the horizon), which is not stored: one day fits any history
    values = predict_retention_value(store, as_of, horizon_days=1, discount_rate=discount_rate,
                                     reporting_currency=reporting_currency)
    rows = values.num_rows
    table = pa.table({
        "account_id": values["account_id"].cast(pa.string()),
        "as_of": pa.array([as_of] * rows, pa.date32()),
        "model": pa.array(["sbg"] * rows, pa.string()),
        "cadence": values["cadence"].cast(pa.string()),
        "currency": pa.array([reporting_currency] * rows, pa.string()),
        "value_per_period": values["value_per_period"].cast(pa.float64()),
        "renewals": values["renewals"].cast(pa.int32()),
        "p_renew_next": values["p_renew_next"].cast(pa.float64()),
        "residual_value": values["residual_value"].cast(pa.float64()),
        "residual_lower": values["residual_value_lower"].cast(pa.float64()),
        "residual_upper": values["residual_value_upper"].cast(pa.float64()),
        "computed_at": pa.array([utc_now()] * rows, pa.timestamp("us")),
    })
    with store.transaction():
        store.execute("DELETE FROM clv_predictions WHERE as_of = ? AND model = 'sbg'", [as_of])
        if store.kind == "duckdb":
            store.raw.register("clv_stage", table)
            try:
                store.execute(f"INSERT INTO clv_predictions ({', '.join(COLUMNS)}) SELECT {', '.join(COLUMNS)} "
                              "FROM clv_stage")
            finally:
                store.raw.unregister("clv_stage")
        else:
            with duckdb_reader(store) as reader:
                reader.register("clv_stage", table)
                copy_from_duckdb(store, reader, f"SELECT {', '.join(COLUMNS)} FROM clv_stage", "clv_predictions",
                                 COLUMNS)
    return rows


def refresh_clv(store: Store, as_of: date, reporting_currency: str = "USD") -> list[str]:
    """The daily run's step: store the day's residual values; a note says what was stored, or why not."""
    try:
        stored = store_clv(store, as_of, reporting_currency)
    except NabdError as refused:
        return [f"lifetime value not refreshed: {refused}"]
    return [f"residual lifetime value of {stored} accounts stored (sBG)"]


def _newest(store: Store) -> date | None:
    return store.scalar("SELECT max(as_of) FROM clv_predictions WHERE model = 'sbg'")


def account_clv(store: Store, account_id: str) -> dict | None:
    """The account's newest stored residual value (as_of, cadence, currency, value_per_period, renewals,
    p_renew_next, residual_value with residual_lower / residual_upper), or None."""
    rows = store.records(
        "SELECT account_id, as_of, model, cadence, currency, value_per_period, renewals, p_renew_next, "
        "residual_value, residual_lower, residual_upper FROM clv_predictions WHERE account_id = ? AND model = 'sbg' "
        "ORDER BY as_of DESC LIMIT 1", [account_id])
    return rows[0] if rows else None


def clv_by_segment(store: Store) -> dict | None:
    """The newest stored day's residual value by segment: {as_of, currency, segments: [{segment, accounts,
    total, mean}], accounts, total, mean}; None before any is stored. mean = total / accounts."""
    day = _newest(store)
    if day is None:
        return None
    rows = store.records(
        "SELECT coalesce(a.segment, '') AS segment, count(*) AS accounts, sum(c.residual_value) AS total, "
        "avg(c.residual_value) AS mean, min(c.currency) AS currency FROM clv_predictions c "
        "JOIN accounts a ON a.account_id = c.account_id WHERE c.as_of = ? AND c.model = 'sbg' "
        "AND c.residual_value IS NOT NULL GROUP BY coalesce(a.segment, '') ORDER BY total DESC, segment", [day])
    accounts = sum(r["accounts"] for r in rows)
    total = sum(float(r["total"]) for r in rows)
    return {"as_of": day, "currency": rows[0]["currency"] if rows else None,
            "segments": [{**r, "total": float(r["total"]), "mean": float(r["mean"])} for r in rows],
            "accounts": accounts, "total": total, "mean": total / accounts if accounts else None}
