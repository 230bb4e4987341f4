-- Voice of the customer (src/nabd/feedback): survey links sent, and what every comment says.

-- One personal survey link sent to one contact; single use (used_at), expiring (expires_at).
CREATE TABLE survey_sends (
    send_id     TEXT PRIMARY KEY,
    survey_id   TEXT NOT NULL,
    kind        TEXT NOT NULL,        -- nps | csat | ces
    touchpoint  TEXT NOT NULL,
    account_id  TEXT NOT NULL,
    contact_id  TEXT NOT NULL,
    email       TEXT NOT NULL,
    language    TEXT NOT NULL,        -- ar | en: the language of the e-mail and the page
    sent_at     TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    used_at     TIMESTAMP,
    response_id TEXT
);

-- The analysis of one free-text comment: a survey comment or a ticket's subject and body.
CREATE TABLE feedback_analysis (
    source          TEXT NOT NULL,    -- survey_response | ticket
    source_id       TEXT NOT NULL,
    account_id      TEXT NOT NULL,
    language        TEXT NOT NULL,
    sentiment       TEXT NOT NULL,    -- negative | neutral | positive
    sentiment_score DOUBLE PRECISION NOT NULL,   -- P(positive) - P(negative), -1..1
    themes          JSON NOT NULL,    -- list of theme ids
    text_md5        TEXT NOT NULL,    -- md5 of the analysed text: an edited text is analysed again
    model_version   TEXT NOT NULL,
    analysed_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (source, source_id)
);

-- The themes of feedback_analysis one row each, so themes are counted in the engine.
CREATE TABLE feedback_themes (
    source    TEXT NOT NULL,
    source_id TEXT NOT NULL,
    theme     TEXT NOT NULL,
    PRIMARY KEY (source, source_id, theme)
);
