"""Fitted churn models and their predictions in the store (migration 0013: ``churn_models``, ``churn_risk``).

A model is kept whole (base64 of a pickle, sealed with an HMAC under the database's session key, which lives
outside the database: a model row written without the key is refused, never unpickled) with its training
window and figures; its version is the first 12 hex of sha256 over those bytes. Predicting scores every
account active on as_of with the newest model and stores probability and reasons; re-running the same
(as_of, model) replaces its rows, never repeats them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import pickle
from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa

from nabd.errors import NabdError
from nabd.risk.churn_examples import example_frame
from nabd.risk.churn_reasons import reasons
from nabd.risk.churn_training import ChurnModel
from nabd.store import Store
from nabd.store.clock import utc_now
from nabd.store.copying import copy_from_duckdb, duckdb_reader
from nabd.store.signing import signing_keys


@dataclass(frozen=True)
class StoredModel:
    version: str
    fitted_at: object
    engine: str
    horizon_days: int
    fit_first: date
    fit_last: date
    validate_first: date
    validate_last: date
    metrics: dict


def save_model(store: Store, model: ChurnModel) -> str:
    """Store a fitted model with its window and figures; returns its version."""
    blob = pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)
    version = hashlib.sha256(blob).hexdigest()[:12]
    sealed = f"{_seal(store, blob)}:{base64.b64encode(blob).decode()}"
    metrics = {**model.metrics, "importances": model.importances, "every_days": model.every_days,
               "features": [{"id": s["id"], "name": s["name"]} for s in model.specs]}
    churned = metrics.get("fit_churned_accounts", 0)
    with store.transaction():
        store.execute("DELETE FROM churn_models WHERE version = ?", [version])
        store.execute(
            "INSERT INTO churn_models (version, fitted_at, engine, horizon_days, fit_first, fit_last, validate_first, "
            "validate_last, labelled_churn, metrics, model) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS JSON), ?)",
            [version, model.fitted_at, model.engine, model.horizon_days, model.fit_dates[0], model.fit_dates[-1],
             model.validate_dates[0], model.validate_dates[-1], churned, json.dumps(metrics, default=str),
             sealed],
        )
    return version


def _metrics(value) -> dict:
    return value if isinstance(value, dict) else json.loads(value)


def latest_model(store: Store) -> StoredModel | None:
    """The newest fitted model's record (without the model itself), or None."""
    rows = store.fetchall(
        "SELECT version, fitted_at, engine, horizon_days, fit_first, fit_last, validate_first, validate_last, metrics "
        "FROM churn_models ORDER BY fitted_at DESC, version LIMIT 1")
    return StoredModel(*rows[0][:8], _metrics(rows[0][8])) if rows else None


def load_model(store: Store, version: str | None = None) -> tuple[str, ChurnModel]:
    """(version, model) of ``version`` or the newest; one clear line when none was fitted."""
    if version is None:
        record = latest_model(store)
        if record is None:
            raise NabdError("no churn model fitted yet: run `nabd risk fit` first")
        version = record.version
    rows = store.fetchall("SELECT model FROM churn_models WHERE version = ?", [version])
    if not rows:
        raise NabdError(f"unknown churn model version {version!r}: see `nabd risk fit`")
    seal, _, encoded = rows[0][0].partition(":")
    blob = base64.b64decode(encoded)
    if not hmac.compare_digest(seal, _seal(store, blob)):
        raise NabdError(f"churn model {version} is not signed by this database's key (the key was rotated, or the "
                        "row was written by something other than Nabd): run `nabd risk fit` again")
    return version, pickle.loads(blob)


def _seal(store: Store, blob: bytes) -> str:
    """HMAC-SHA256 of a pickled model under the database's session key (kept out of the database,
    nabd.store.signing): writing the churn_models table without the key gives no model Nabd would unpickle."""
    return hmac.new(signing_keys(store.url).session.encode(), blob, hashlib.sha256).hexdigest()


def predict_risk(store: Store, model: ChurnModel, as_of: date) -> tuple[list[str], np.ndarray, list[list[dict]]]:
    """(account ids, probabilities, reasons) of every account active on ``as_of``."""
    specs = model.measure_specs()
    examples = example_frame(store, specs, [as_of], None)
    X = examples.frame[examples.features].to_numpy(dtype=np.float32)
    if not len(X):
        return [], np.zeros(0), []
    p = model.predict_proba(X)
    contributions = model.contributions(X)
    told = [reasons(specs, X[i], contributions[i]) for i in range(len(X))]
    return examples.frame["account_id"].tolist(), p, told


def store_predictions(store: Store, version: str, as_of: date, accounts: list[str], p: np.ndarray,
                      told: list[list[dict]]) -> int:
    """Replace the rows of (as_of, version) in churn_risk with these; returns how many were stored."""
    computed = utc_now(microseconds=True)
    table = pa.table({
        "account_id": pa.array(accounts, pa.string()),
        "as_of": pa.array([as_of] * len(accounts), pa.date32()),
        "model_version": pa.array([version] * len(accounts), pa.string()),
        "probability": pa.array(p.astype(float), pa.float64()),
        "reasons": pa.array([json.dumps(r, ensure_ascii=False) for r in told], pa.string()),
        "computed_at": pa.array([computed] * len(accounts), pa.timestamp("us")),
    })
    select = ("SELECT account_id, as_of, model_version, probability, reasons, computed_at FROM churn_risk_stage")
    with store.transaction():
        store.execute("DELETE FROM churn_risk WHERE as_of = ? AND model_version = ?", [as_of, version])
        if store.kind == "duckdb":
            store.raw.register("churn_risk_stage", table)
            try:
                store.execute("INSERT INTO churn_risk SELECT account_id, as_of, model_version, probability, "
                              "CAST(reasons AS JSON), computed_at FROM churn_risk_stage")
            finally:
                store.raw.unregister("churn_risk_stage")
        else:
            with duckdb_reader(store) as reader:
                reader.register("churn_risk_stage", table)
                copy_from_duckdb(store, reader, select, "churn_risk",
                                 ["account_id", "as_of", "model_version", "probability", "reasons", "computed_at"])
    return len(accounts)


def refresh_risk(store: Store, as_of: date) -> tuple[str, int] | None:
    """Predict with the newest model for ``as_of`` and store it: (version, accounts); None without a model
    (the daily pipeline's step)."""
    if latest_model(store) is None:
        return None
    version, model = load_model(store)
    accounts, p, told = predict_risk(store, model, as_of)
    return version, store_predictions(store, version, as_of, accounts, p, told)


def account_risk(store: Store, account_id: str) -> dict | None:
    """The account's newest stored prediction: as_of, model_version, horizon_days, probability, reasons; None."""
    rows = store.fetchall(
        "SELECT r.as_of, r.model_version, m.horizon_days, r.probability, r.reasons FROM churn_risk r "
        "JOIN churn_models m ON m.version = r.model_version WHERE r.account_id = ? "
        "ORDER BY r.as_of DESC, m.fitted_at DESC LIMIT 1", [account_id])
    if not rows:
        return None
    as_of, version, horizon, probability, told = rows[0]
    return {"account_id": account_id, "as_of": as_of, "model_version": version, "horizon_days": horizon,
            "probability": float(probability), "reasons": told if isinstance(told, list) else json.loads(told)}


def latest_risk_sql() -> str:
    """SQL of (account_id, probability) from the newest as_of of the newest model: what lists of accounts join."""
    return ("SELECT r.account_id, r.probability FROM churn_risk r JOIN (SELECT n.as_of, n.model_version FROM "
            "churn_risk n JOIN churn_models m ON m.version = n.model_version "
            "ORDER BY n.as_of DESC, m.fitted_at DESC LIMIT 1) newest "
            "ON r.as_of = newest.as_of AND r.model_version = newest.model_version")
