"""Fitted churn models and predictions in the store (migration 0013), on DuckDB and PostgreSQL; the reasons'
sentences in English and Arabic with the account's numbers."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pytest
from tests.risk.test_churn_model import _examples

from nabd.errors import NabdError
from nabd.health.scorecard import MeasureSpec
from nabd.risk.churn_model import Calibration, GradientBoostedChurn, LogisticChurn
from nabd.risk.churn_reasons import reasons, sentence
from nabd.risk.churn_storage import account_risk, latest_model, load_model, save_model, store_predictions
from nabd.risk.churn_training import ChurnModel


def spec(mid: str, mtype: str, window: int = 28, **params) -> MeasureSpec:
    return MeasureSpec.model_validate({"id": mid, "type": mtype, "name": {"en": mid, "ar": mid}, "unit": "count", "weight": 1,
                                       "params": {"window_days": window, **params},
                                       "rule": {"kind": "percentile"}})


SPECS = [spec("trend_posts", "event_trend", events=["post"]), spec("ticket_frequency", "ticket_frequency", 14),
         spec("payment_days_overdue", "payment_days_overdue", 30)]


def test_sentences_tell_the_accounts_numbers_in_english_and_arabic():
    assert sentence(SPECS[0], -0.62) == ("post fell 62% against the previous 28 days",
                                         "انخفض post 62% مقارنة بالـ28 يومًا السابقة")
    assert sentence(SPECS[1], 3.0) == ("3 tickets in 14 days", "3 تذاكر دعم خلال 14 يومًا")
    assert sentence(SPECS[2], float("nan"))[0] == "no data for payment_days_overdue in the last 30 days"
    assert sentence(spec("mrr_change", "mrr_change", 90), -0.25) == ("MRR fell 25% over 90 days",
                                                                    "انخفض الإيراد الشهري 25% خلال 90 يومًا")
    assert sentence(spec("renewal_exposure", "renewal_exposure", 90), 0.204)[0] == (
        "20% chance of leaving at the renewals due in 90 days (its term's rate over the past year)")


def test_reasons_are_the_features_raising_risk_largest_first():
    told = reasons(SPECS, np.array([-0.5, 4.0, 12.0]), np.array([0.4, 1.2, -0.3]))
    assert [r["measure"] for r in told] == ["ticket_frequency", "trend_posts"]  # a negative one is no reason
    assert told[0] == {"measure": "ticket_frequency", "value": 4.0, "contribution": 1.2,
                       "en": "4 tickets in 14 days", "ar": "4 تذاكر دعم خلال 14 يومًا"}


def _model() -> ChurnModel:
    X, y = _examples(600)
    tree = GradientBoostedChurn("lightgbm", rounds=10).fit(X, y)
    model = ChurnModel("lightgbm", 90, 14, [s.model_dump(mode="json") for s in SPECS], tree, LogisticChurn().fit(X, y),
                       Calibration("platt", a=1.0, b=0.0), [date(2025, 1, 1), date(2025, 3, 1)],
                       [date(2025, 7, 1), date(2025, 9, 1)], datetime(2025, 12, 1, 8, 0))
    model.metrics = {"auc": 0.7, "fit_churned_accounts": 42}
    return model


def test_a_model_is_stored_with_its_window_and_read_back_whole(store):
    with pytest.raises(NabdError, match="no churn model fitted yet"):
        load_model(store)
    model = _model()
    version = save_model(store, model)
    record = latest_model(store)
    assert (record.version, record.engine, record.horizon_days, record.fit_first, record.validate_last) == (
        version, "lightgbm", 90, date(2025, 1, 1), date(2025, 9, 1))
    assert record.metrics["auc"] == 0.7
    again_version, again = load_model(store)
    X, _ = _examples(50)
    assert again_version == version and np.allclose(again.predict_proba(X), model.predict_proba(X))


def test_a_model_row_not_sealed_with_the_databases_key_is_refused_not_unpickled(store):
    import base64
    import pickle

    version = save_model(store, _model())
    forged = base64.b64encode(pickle.dumps({"anything": "a writer of the table chose"})).decode()
    store.execute("UPDATE churn_models SET model = ? WHERE version = ?", [f"{'0' * 64}:{forged}", version])
    with pytest.raises(NabdError, match="not signed by this database's key"):
        load_model(store)


def test_predicting_a_day_again_replaces_its_rows(store):
    version = save_model(store, _model())
    told = [[{"measure": "ticket_frequency", "value": 4.0, "contribution": 1.2, "en": "4 tickets in 14 days",
              "ar": "4 تذاكر دعم خلال 14 يومًا"}], []]
    store_predictions(store, version, date(2025, 10, 1), ["A", "B"], np.array([0.8, 0.1]), told)
    store_predictions(store, version, date(2025, 10, 1), ["A", "B"], np.array([0.6, 0.1]), told)
    assert store.scalar("SELECT count(*) FROM churn_risk") == 2
    risk = account_risk(store, "A")
    assert risk["probability"] == pytest.approx(0.6) and risk["horizon_days"] == 90
    assert risk["reasons"][0]["ar"] == "4 تذاكر دعم خلال 14 يومًا"
    assert account_risk(store, "nobody") is None
