-- What a CSM records in the app (issue 25): notes and logged activities on an account, and manual
-- score overrides with their audit log.
-- account_notes: kind note | call | meeting | email | qbr, the day it happened, who took part, its outcome.
CREATE TABLE account_notes (
    note_id      TEXT PRIMARY KEY,
    account_id   TEXT NOT NULL,
    kind         TEXT NOT NULL,
    happened_on  DATE NOT NULL,
    participants TEXT,
    outcome      TEXT,
    body         TEXT NOT NULL,
    author       TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL
);

CREATE INDEX account_notes_account ON account_notes (account_id);

-- A manual score override is in force on day d when starts_on <= d < expires_on and it was not ended
-- on or before d (ended_at, a UTC instant; ended_on, its local day): it expires by itself. score and band
-- replace the computed ones wherever a score is shown; the computed score is still stored and shown beside.
CREATE TABLE score_overrides (
    override_id       TEXT PRIMARY KEY,
    account_id        TEXT NOT NULL,
    score             INTEGER NOT NULL,
    band              TEXT,
    scorecard_version TEXT,
    reason            TEXT NOT NULL,
    owner             TEXT NOT NULL,
    starts_on         DATE NOT NULL,
    expires_on        DATE NOT NULL,
    created_at        TIMESTAMP NOT NULL,
    ended_on          DATE,
    ended_at          TIMESTAMP,
    ended_by          TEXT
);

CREATE INDEX score_overrides_account ON score_overrides (account_id);

-- Every change of an override (set, replaced, ended), by whom and when: never updated, never deleted.
CREATE TABLE score_override_audit (
    audit_id    TEXT PRIMARY KEY,
    override_id TEXT NOT NULL,
    account_id  TEXT NOT NULL,
    action      TEXT NOT NULL,
    by_login    TEXT NOT NULL,
    changed_at  TIMESTAMP NOT NULL,
    detail      TEXT NOT NULL
);

CREATE INDEX score_override_audit_account ON score_override_audit (account_id);
