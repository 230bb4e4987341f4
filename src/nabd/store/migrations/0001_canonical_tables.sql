-- Canonical tables of Nabd (see DESIGN.md). Portable SQL: DuckDB and PostgreSQL alike.
-- Timestamps are naive UTC; money is DECIMAL(18,4) with its currency.

CREATE TABLE accounts (
    account_id  TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    segment     TEXT,
    plan        TEXT,
    csm         TEXT,
    country     TEXT,
    language    TEXT,
    created_at  TIMESTAMP,
    status      TEXT NOT NULL DEFAULT 'active'   -- 'active' | 'unmatched' (created by the event API)
);

CREATE TABLE contacts (
    contact_id  TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL,
    name        TEXT,
    email       TEXT,
    role        TEXT,
    language    TEXT
);

-- One row per price period: a change of price or quantity closes a row and opens another.
CREATE TABLE subscriptions (
    subscription_id TEXT PRIMARY KEY,
    account_id      TEXT NOT NULL,
    product         TEXT NOT NULL,
    mrr             DECIMAL(18,4) NOT NULL,
    currency        TEXT NOT NULL,
    quantity        INTEGER NOT NULL,
    start_date      DATE NOT NULL,
    end_date        DATE,            -- exclusive; NULL = open
    renewal_date    DATE
);

CREATE TABLE events (
    event_id    TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL,
    contact_id  TEXT,
    event_type  TEXT NOT NULL,
    ts          TIMESTAMP NOT NULL,
    value       DOUBLE PRECISION,
    properties  JSON
);

CREATE TABLE tickets (
    ticket_id         TEXT PRIMARY KEY,
    account_id        TEXT NOT NULL,
    opened_at         TIMESTAMP NOT NULL,
    first_response_at TIMESTAMP,
    closed_at         TIMESTAMP,
    priority          TEXT,
    category          TEXT,
    csat              INTEGER,
    subject           TEXT,
    body              TEXT
);

CREATE TABLE invoices (
    invoice_id  TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL,
    amount      DECIMAL(18,4) NOT NULL,
    currency    TEXT NOT NULL,
    issued_at   DATE NOT NULL,
    due_at      DATE NOT NULL,
    paid_at     DATE
);

CREATE TABLE survey_responses (
    response_id  TEXT PRIMARY KEY,
    account_id   TEXT NOT NULL,
    contact_id   TEXT,
    kind         TEXT NOT NULL,       -- nps | csat | ces
    score        INTEGER NOT NULL,
    comment      TEXT,
    language     TEXT,
    touchpoint   TEXT,
    responded_at TIMESTAMP NOT NULL
);

CREATE TABLE referrals (
    referral_id         TEXT PRIMARY KEY,
    account_id          TEXT NOT NULL,   -- the referrer
    referred_account_id TEXT,
    referred_at         TIMESTAMP NOT NULL
);

CREATE TABLE relationship_ratings (
    account_id TEXT NOT NULL,
    rated_at   DATE NOT NULL,
    rating     INTEGER NOT NULL,     -- 1-5, by the CSM
    note       TEXT,
    PRIMARY KEY (account_id, rated_at)
);

-- Units of the reporting currency for one unit of `currency`, in force from `valid_from`.
CREATE TABLE currency_rates (
    currency   TEXT NOT NULL,
    valid_from DATE NOT NULL,
    rate       DECIMAL(18,8) NOT NULL,
    PRIMARY KEY (currency, valid_from)
);

CREATE TABLE acquisition_costs (
    period_start DATE NOT NULL,
    segment      TEXT NOT NULL,
    amount       DECIMAL(18,4) NOT NULL,
    currency     TEXT NOT NULL,
    PRIMARY KEY (period_start, segment)
);

CREATE TABLE health_scores (
    account_id        TEXT NOT NULL,
    as_of             DATE NOT NULL,
    scorecard_version TEXT NOT NULL,
    scorecard         TEXT NOT NULL,
    score             INTEGER,
    weighted_score    DOUBLE PRECISION,
    band              TEXT,
    coverage          DOUBLE PRECISION,
    measures          JSON,           -- per measure: raw value, score, weight, contribution
    computed_at       TIMESTAMP NOT NULL,
    PRIMARY KEY (account_id, as_of, scorecard_version)
);

CREATE TABLE health_band_changes (
    account_id        TEXT NOT NULL,
    as_of             DATE NOT NULL,
    scorecard_version TEXT NOT NULL,
    from_band         TEXT,
    to_band           TEXT NOT NULL,
    previous_score    INTEGER,
    score             INTEGER,
    PRIMARY KEY (account_id, as_of, scorecard_version)
);

CREATE TABLE tasks (
    task_id    TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    playbook   TEXT,
    title      TEXT NOT NULL,
    owner      TEXT,
    priority   TEXT,
    due_at     TIMESTAMP,
    status     TEXT NOT NULL DEFAULT 'open',   -- open | done | dismissed
    created_at TIMESTAMP NOT NULL,
    closed_at  TIMESTAMP,
    outcome    TEXT
);

CREATE TABLE imports (
    import_id   TEXT PRIMARY KEY,
    table_name  TEXT NOT NULL,
    source      TEXT NOT NULL,
    file_format TEXT NOT NULL,
    rows_read   BIGINT NOT NULL,
    inserted    BIGINT NOT NULL,
    updated     BIGINT NOT NULL,
    unchanged   BIGINT NOT NULL,
    quarantined BIGINT NOT NULL,
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP NOT NULL
);

CREATE SEQUENCE quarantine_id_seq;

-- Rows refused by validation, kept as received with a reason a person can act on.
CREATE TABLE quarantine (
    id              BIGINT PRIMARY KEY DEFAULT nextval('quarantine_id_seq'),
    import_id       TEXT,
    source          TEXT NOT NULL,
    table_name      TEXT NOT NULL,
    line            BIGINT,
    row_as_received TEXT NOT NULL,
    error           TEXT NOT NULL,
    received_at     TIMESTAMP NOT NULL
);

-- Daily rollup of events that usage measures read (contact_id '' = no contact).
CREATE TABLE activity_daily (
    account_id TEXT NOT NULL,
    contact_id TEXT NOT NULL,
    day        DATE NOT NULL,
    event_type TEXT NOT NULL,
    events     BIGINT NOT NULL,
    value_sum  DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (account_id, contact_id, day, event_type)
);

CREATE TABLE nabd_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
