-- Reaching the customer (src/nabd/outreach): journeys, what they sent, unsubscribes, exit reasons.

-- One account's way through one journey, entered on one day. ``step`` is the index of the next step to
-- run and ``due_on`` the day it runs; a held-out account is recorded (status held_out) and sent nothing.
CREATE TABLE journey_enrolments (
    journey      TEXT NOT NULL,
    account_id   TEXT NOT NULL,
    entered_on   DATE NOT NULL,
    reason       TEXT NOT NULL,
    held_out     BOOLEAN NOT NULL,
    entry_score  INTEGER,             -- the account's score on entered_on (score_rose / score_fell read it)
    entry_band   TEXT,
    step         INTEGER NOT NULL,
    due_on       DATE NOT NULL,
    status       TEXT NOT NULL,       -- active | done | exited | held_out
    exit_reason  TEXT,
    updated_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (journey, account_id, entered_on)
);

-- Each step an enrolment ran (the step log; a re-run after a crash finds the step done and skips it).
CREATE TABLE journey_steps (
    journey     TEXT NOT NULL,
    account_id  TEXT NOT NULL,
    entered_on  DATE NOT NULL,
    step        INTEGER NOT NULL,
    kind        TEXT NOT NULL,        -- email | wait | branch | task | webhook | survey
    outcome     TEXT NOT NULL,        -- what it did, in a few words
    ran_on      DATE NOT NULL,
    PRIMARY KEY (journey, account_id, entered_on, step)
);

-- One e-mail of a journey to one contact: queued in the outbox (notification_id), or not sent and why.
CREATE TABLE journey_messages (
    message_id      TEXT PRIMARY KEY,   -- journey|account|entered_on|step|contact, hashed: never twice
    journey         TEXT NOT NULL,
    account_id      TEXT NOT NULL,
    contact_id      TEXT NOT NULL,
    step            INTEGER NOT NULL,
    language        TEXT NOT NULL,
    status          TEXT NOT NULL,      -- queued | throttled | unsubscribed | no_email
    notification_id TEXT,
    created_at      TIMESTAMP NOT NULL
);

-- Contacts who asked for no more messages (the signed unsubscribe link): they get no journey e-mail
-- and no survey from then on.
CREATE TABLE contact_unsubscribes (
    contact_id      TEXT PRIMARY KEY,
    unsubscribed_at TIMESTAMP NOT NULL
);

-- Why a churned account left, from its contacts' exit surveys (one row per answer): reason is one of
-- price | missing_feature | support | competitor | budget | company_closed | other; competitor names
-- the competitor when reason = competitor; comment is free text.
CREATE TABLE exit_reasons (
    response_id  TEXT PRIMARY KEY,
    account_id   TEXT NOT NULL,
    contact_id   TEXT,
    reason       TEXT NOT NULL,
    competitor   TEXT,
    comment      TEXT,
    responded_at TIMESTAMP NOT NULL
);

-- Every message a contact was sent, surveys and journey e-mails together: the one contact limit
-- (nabd.feedback.throttle) counts these rows.
CREATE VIEW contact_messages AS
SELECT contact_id, sent_at, 'survey' AS channel FROM survey_sends
UNION ALL
SELECT contact_id, created_at AS sent_at, 'journey' AS channel FROM journey_messages WHERE status = 'queued';
