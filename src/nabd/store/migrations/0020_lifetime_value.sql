-- Expected residual lifetime value per account (nabd.risk.clv_storage): the shifted-beta-geometric model of
-- renewals (sBG, one fit per billing cadence) as of a day, written by `nabd clv fit` and by the daily run.
CREATE TABLE clv_predictions (
    account_id          TEXT NOT NULL,
    as_of               DATE NOT NULL,
    model               TEXT NOT NULL,              -- sbg
    cadence             TEXT NOT NULL,              -- monthly | annual | ... (one fit per cadence)
    currency            TEXT NOT NULL,              -- the reporting currency of the values
    value_per_period    DOUBLE PRECISION NOT NULL,  -- what one renewal period brings
    renewals            INTEGER NOT NULL,           -- periods renewed so far
    p_renew_next        DOUBLE PRECISION,
    residual_value      DOUBLE PRECISION,           -- discounted expected residual lifetime value (DERL x value)
    residual_lower      DOUBLE PRECISION,           -- its 95% interval (parameter uncertainty)
    residual_upper      DOUBLE PRECISION,
    computed_at         TIMESTAMP NOT NULL,
    PRIMARY KEY (account_id, as_of, model)
);
