-- Early-warning indicators, playbooks, tags, onboarding milestones and the notification outbox.

-- One row per indicator that fired for an account on an as-of date, with the numbers behind it.
CREATE TABLE indicator_firings (
    account_id TEXT NOT NULL,
    indicator  TEXT NOT NULL,
    as_of      DATE NOT NULL,
    evidence   JSON NOT NULL,
    fired_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (account_id, indicator, as_of)
);

-- One row per playbook that acted on an account on an as-of date: the cooldown and the
-- idempotency of a re-run read it.
CREATE TABLE playbook_runs (
    playbook   TEXT NOT NULL,
    account_id TEXT NOT NULL,
    as_of      DATE NOT NULL,
    reason     TEXT NOT NULL,
    ran_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (playbook, account_id, as_of)
);

CREATE TABLE account_tags (
    account_id TEXT NOT NULL,
    tag        TEXT NOT NULL,
    playbook   TEXT,
    added_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (account_id, tag)
);

-- The day each onboarding milestone was first met (from activity_daily).
CREATE TABLE onboarding_milestones (
    account_id   TEXT NOT NULL,
    milestone    TEXT NOT NULL,
    completed_on DATE NOT NULL,
    PRIMARY KEY (account_id, milestone)
);

-- Notifications to send, written in the same transaction as the task that caused them;
-- delivery retries with backoff and keeps the last error (`nabd outbox`).
CREATE TABLE outbox (
    notification_id TEXT PRIMARY KEY,
    channel         TEXT NOT NULL,          -- webhook | email
    target          TEXT NOT NULL,          -- URL or comma-separated addresses
    subject         TEXT NOT NULL,
    payload         TEXT NOT NULL,          -- JSON text (webhook body; email: {"text": ...})
    account_id      TEXT,
    playbook        TEXT,
    task_id         TEXT,
    status          TEXT NOT NULL DEFAULT 'pending',   -- pending | sent | failed
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    last_error      TEXT,
    created_at      TIMESTAMP NOT NULL,
    sent_at         TIMESTAMP
);
