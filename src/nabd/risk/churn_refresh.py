"""The daily pipeline's churn step: retrain when enough new outcomes exist, then predict and store the day's
risk with the newest model (nothing at all until `nabd risk fit` has stored a first model).

Retraining rule: at least RETRAIN_CHURNED accounts churned since the newest model's last label (its last
validation date + horizon), counted up to the last day the data labels churn (nabd.health.backtest.labels_end),
and at least RETRAIN_DAYS days since it was fitted. A refit that fails keeps the old model (a note says why).
"""

from __future__ import annotations

from datetime import date, timedelta

from nabd.errors import NabdError
from nabd.health.backtest import labels_end
from nabd.metrics.active import active_accounts
from nabd.risk.churn_storage import latest_model, refresh_risk, save_model
from nabd.risk.churn_training import fit_churn_model
from nabd.store import Store

RETRAIN_CHURNED = 10
RETRAIN_DAYS = 28


def new_outcomes(store: Store, since: date, until: date) -> int:
    """Accounts active on ``since`` and not on ``until``: churn observed after a model's last label."""
    if until <= since:
        return 0
    before, after = active_accounts(store, since), active_accounts(store, until)
    return int(before.anti_join(after, "account_id").count().to_pyarrow().as_py())


def refresh_churn_risk(store: Store, as_of: date) -> list[str]:
    """Retrain when the rule says so, then store the risk of every account active on ``as_of``; notes."""
    record = latest_model(store)
    if record is None:
        return []
    notes = []
    churned = new_outcomes(store, record.validate_last + timedelta(days=record.horizon_days), labels_end(store))
    fitted_on = record.fitted_at.date() if hasattr(record.fitted_at, "date") else record.fitted_at
    if churned >= RETRAIN_CHURNED and (as_of - fitted_on).days >= RETRAIN_DAYS:
        try:
            version = save_model(store, fit_churn_model(store, record.horizon_days, record.metrics.get("every_days", 14),
                                                        record.engine))
            notes.append(f"churn model retrained ({churned} new churned accounts): version {version}")
        except NabdError as refused:
            notes.append(f"churn model not retrained: {refused}")
    try:
        version, accounts = refresh_risk(store, as_of)
    except NabdError as refused:  # e.g. a model sealed before a key rotation: the rest of the run goes on
        return [*notes, f"churn risk not refreshed: {refused}"]
    notes.append(f"churn risk of {accounts} accounts stored (model {version})")
    return notes
