-- The web app's own tables: people who log in, their API tokens, failed logins (rate limit),
-- and scorecards edited in the web app (the shipped YAML stays the default).

CREATE TABLE users (
    login         TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,           -- argon2id
    role          TEXT NOT NULL,           -- admin | csm | viewer
    language      TEXT NOT NULL DEFAULT 'en',   -- en | ar
    digits        TEXT NOT NULL DEFAULT 'latn', -- latn (0-9) | arab (Arabic-Indic)
    created_at    TIMESTAMP NOT NULL
);

-- Only a hash of each token is kept; the token itself is shown once when it is made.
CREATE TABLE api_tokens (
    token_hash   TEXT PRIMARY KEY,         -- sha256 hex of the token
    login        TEXT NOT NULL,
    name         TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP
);

CREATE TABLE login_failures (
    login     TEXT NOT NULL,
    client_ip TEXT NOT NULL,
    failed_at TIMESTAMP NOT NULL
);

CREATE TABLE scorecard_versions (
    name     TEXT NOT NULL,
    version  TEXT NOT NULL,                -- Scorecard.version: hash of the validated content
    yaml     TEXT NOT NULL,
    saved_by TEXT NOT NULL,
    saved_at TIMESTAMP NOT NULL,
    PRIMARY KEY (name, version)
);
