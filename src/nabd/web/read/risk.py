"""Read models of churn risk (nabd.risk.churn_storage): one account's newest risk and reasons, the model page's
figures, and each account's newest probability for the portfolio."""

from __future__ import annotations

from typing import Any

from nabd.risk.churn_storage import account_risk, latest_model, latest_risk_sql
from nabd.store import Store


def risk_of(store: Store, account_id: str) -> dict[str, Any] | None:
    """The account's newest stored churn risk (probability, horizon, model, reasons in en and ar), or None."""
    return account_risk(store, account_id)


def risk_by_account(store: Store) -> dict[str, float]:
    """{account_id: probability} of the newest prediction run (empty without one)."""
    if latest_model(store) is None:
        return {}
    return dict(store.fetchall(latest_risk_sql()))


def model_page(store: Store) -> dict[str, Any] | None:
    """The newest model's training window and out-of-time figures, for /risk/model; None before any fit."""
    record = latest_model(store)
    if record is None:
        return None
    metrics = record.metrics
    names = {f["id"]: f["name"] for f in metrics.get("features", [])}
    importances = [{"id": k, "name": names.get(k, {"en": k, "ar": k}), "value": v}
                   for k, v in list(metrics.get("importances", {}).items())[:15]]
    top = max((i["value"] for i in importances), default=0) or 1
    for item in importances:
        item["share"] = item["value"] / top
    return {"version": record.version, "fitted_at": record.fitted_at, "engine": record.engine,
            "horizon_days": record.horizon_days, "fit": (record.fit_first, record.fit_last),
            "validate": (record.validate_first, record.validate_last), "metrics": metrics,
            "importances": importances, "calibration": [r for r in metrics.get("calibration_table", []) if r["pairs"]]}
