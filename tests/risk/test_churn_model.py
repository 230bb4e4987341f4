"""The churn model's fitters and out-of-time figures, each checked on a small case computed by hand."""

from __future__ import annotations

import numpy as np
import pytest

from nabd.errors import NabdError
from nabd.risk.churn_model import (
    GradientBoostedChurn,
    LogisticChurn,
    brier,
    calibration_table,
    choose_calibration,
    pr_auc,
    top_decile_lift,
)


def test_pr_auc_is_the_mean_precision_at_each_churner():
    # ranked: churn, stay, churn, stay -> precision 1/1 at the first churner, 2/3 at the second
    risk = np.array([0.9, 0.8, 0.7, 0.1])
    assert pr_auc(risk, np.array([1, 0, 1, 0])) == pytest.approx((1 + 2 / 3) / 2)


def test_top_decile_lift_is_the_riskiest_tenths_churn_rate_over_the_average():
    # 20 pairs, 4 churned (20%); the riskiest 2 hold 1 churner (50%): lift 2.5
    risk = np.arange(20, 0, -1).astype(float)
    y = np.zeros(20, dtype=int)
    y[[0, 5, 10, 15]] = 1
    assert top_decile_lift(risk, y) == pytest.approx(0.5 / 0.2)


def test_brier_is_the_mean_squared_gap():
    assert brier(np.array([0.2, 0.9]), np.array([0, 1])) == pytest.approx((0.04 + 0.01) / 2)


def test_calibration_table_groups_predictions_by_tenth():
    table = calibration_table(np.array([0.05, 0.07, 0.95, 1.0]), np.array([0, 1, 1, 1]))
    assert table[0] == {"low": 0.0, "high": 0.1, "pairs": 2, "predicted": pytest.approx(0.06), "observed": 0.5}
    assert table[9]["pairs"] == 2 and table[9]["observed"] == 1.0
    assert sum(row["pairs"] for row in table) == 4


def _examples(n=3000, seed=1):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3)).astype(np.float32)
    X[rng.random(n) < 0.1, 2] = np.nan  # missing values
    log_odds = -2 + 1.5 * X[:, 0] - 0.8 * X[:, 1]
    y = (rng.random(n) < 1 / (1 + np.exp(-log_odds))).astype(int)
    return X, y


def test_logistic_contributions_add_up_to_the_log_odds_less_the_intercept():
    X, y = _examples()
    model = LogisticChurn().fit(X, y)
    assert np.allclose(model.contributions(X).sum(axis=1) + model.intercept_, model.predict_log_odds(X))
    assert model.coef_[0] > 0 > model.coef_[1]  # the signs the data were drawn with


def test_lightgbm_contributions_are_shap_values_that_add_up_to_the_log_odds():
    X, y = _examples()
    model = GradientBoostedChurn("lightgbm").fit(X, y)
    full = model.model_.predict(X, pred_contrib=True)
    assert np.allclose(model.contributions(X).sum(axis=1) + full[:, -1], model.predict_log_odds(X))
    assert np.abs(model.contributions(X)).mean(axis=0).argmax() == 0  # the strongest driver leads


def test_lightgbm_grows_the_same_trees_on_one_thread_as_on_two(monkeypatch):
    from nabd.risk import churn_model
    X, y = _examples()
    one = GradientBoostedChurn("lightgbm").fit(X, y)
    monkeypatch.setattr(churn_model, "FIT_THREADS", 2)
    two = GradientBoostedChurn("lightgbm").fit(X, y)
    assert one.model_.params["num_threads"] == 1 and two.model_.params["num_threads"] == 2
    trees = [m.model_.model_to_string().split("\nparameters:")[0] for m in (one, two)]
    assert trees[0] == trees[1]
    assert np.array_equal(one.predict_log_odds(X), two.predict_log_odds(X))


def test_histgradientboosting_predicts_the_same_on_one_thread_as_on_two(monkeypatch):
    from nabd.risk import churn_model
    X, y = _examples(800)
    one = GradientBoostedChurn("hgb", rounds=20).fit(X, y)
    monkeypatch.setattr(churn_model, "FIT_THREADS", 2)
    two = GradientBoostedChurn("hgb", rounds=20).fit(X, y)
    assert np.array_equal(one.predict_log_odds(X), two.predict_log_odds(X))


def test_histgradientboosting_has_no_contributions_of_its_own():
    X, y = _examples(800)
    model = GradientBoostedChurn("hgb", rounds=20).fit(X, y)
    assert model.contributions(X) is None and model.predict_log_odds(X).shape == (800,)


def test_calibration_is_chosen_by_cross_fitted_brier_and_maps_to_probabilities():
    X, y = _examples()
    log_odds = LogisticChurn().fit(X, y).predict_log_odds(X)
    accounts = np.array([f"A{i % 500}" for i in range(len(y))])
    calibration, crossed, briers = choose_calibration(log_odds, y, accounts)
    assert calibration.method == min(briers, key=briers.get)
    assert brier(crossed, y) == briers[calibration.method]
    p = calibration.probability(log_odds)
    assert ((0 <= p) & (p <= 1)).all() and abs(p.mean() - y.mean()) < 0.02


def test_an_unknown_engine_is_one_line():
    from nabd.risk.churn_training import _fitter
    with pytest.raises(NabdError, match="unknown model 'xgboost': use lightgbm, hgb or logistic"):
        _fitter("xgboost")
