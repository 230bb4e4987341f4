-- Which scorecard `nabd score`, the daily run, the backtest and the web app use: the version of the
-- newest activation (saved in scorecard_versions, or the shipped default's). No row: the shipped default.
CREATE TABLE scorecard_activations (
    activation   INTEGER PRIMARY KEY,      -- 1, 2, ...: the highest is active (timestamps are to the second)
    version      TEXT NOT NULL,
    name         TEXT NOT NULL,
    activated_by TEXT NOT NULL,
    activated_at TIMESTAMP NOT NULL
);
