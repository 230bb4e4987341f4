-- The churn model (nabd.risk.churn_*): every fitted model with its training window and out-of-time figures,
-- and each account's predicted probability of churning within the model's horizon, with its reasons.
CREATE TABLE churn_models (
    version         TEXT PRIMARY KEY,      -- 12 hex of sha256 over the serialized model
    fitted_at       TIMESTAMP NOT NULL,
    engine          TEXT NOT NULL,         -- lightgbm | hgb | logistic
    horizon_days    INTEGER NOT NULL,
    fit_first       DATE NOT NULL,         -- the as-of dates it was fitted on ...
    fit_last        DATE NOT NULL,
    validate_first  DATE NOT NULL,         -- ... and validated on (out of time)
    validate_last   DATE NOT NULL,
    labelled_churn  INTEGER NOT NULL,      -- churned (account, as-of) examples it learnt from and was judged on
    metrics         JSON NOT NULL,         -- AUC, PR-AUC, lift, Brier, calibration, importances, the scorecard's AUC
    model           TEXT NOT NULL          -- the fitted model: base64 of a pickle, read only by Nabd
);

CREATE TABLE churn_risk (
    account_id      TEXT NOT NULL,
    as_of           DATE NOT NULL,
    model_version   TEXT NOT NULL,
    probability     DOUBLE PRECISION NOT NULL,  -- calibrated P(churn within the model's horizon)
    reasons         JSON NOT NULL,              -- [{measure, value, contribution, en, ar}], largest first
    computed_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (account_id, as_of, model_version)
);
