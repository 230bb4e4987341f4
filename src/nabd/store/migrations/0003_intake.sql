-- The event intake API (Segment-compatible): its write keys and how far each local journal has
-- been drained into the store (see nabd/ingest/intake/journal.py).

-- Only a hash of each write key is kept; the key itself is shown once when it is made.
CREATE TABLE write_keys (
    key_hash   TEXT PRIMARY KEY,       -- sha256 hex of the key
    name       TEXT NOT NULL,          -- what the key is for, e.g. the product that sends
    key_start  TEXT NOT NULL,          -- the first characters of the key, to recognise it in a list
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP               -- NULL = in use
);

-- One row per journal directory: the last segment whose messages are in the store. It is
-- written in the same transaction as the segment's rows, so a segment is applied exactly once.
CREATE TABLE intake_journals (
    journal_id      TEXT PRIMARY KEY,
    drained_segment BIGINT NOT NULL,
    drained_at      TIMESTAMP NOT NULL
);
