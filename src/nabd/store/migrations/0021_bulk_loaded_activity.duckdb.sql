-- On DuckDB an events import spent more time keeping two ART keys than the engine spends loading the
-- whole file (issue 28 item 5, benchmarks/RESULTS.md): the four-text-column primary key of activity_daily
-- and the text primary key of events, each maintained on insert and written again at COMMIT. Both tables
-- are rebuilt without them. Uniqueness is kept by construction under the one-writer rule of the embedded
-- store (DESIGN.md: one process, one write transaction at a time):
-- - events: a file import inserts only the keys the batch's anti-join against events finds new (repeats
--   within a file are quarantined first); the intake inserts only message ids it finds unstored, the
--   first line of each;
-- - activity_daily: writers delete and recount the (account, day) pairs they touch, or add the batch's
--   counts to the rows that exist (UPDATE ... FROM) and insert the others (INSERT ... WHERE NOT EXISTS).
-- PostgreSQL keeps both keys (a B-tree grows by what is inserted; COPY's baseline pays it too).
-- activity_daily keeps its account_id index: the account page reads one account's rows.
CREATE TABLE activity_daily_0021 AS SELECT * FROM activity_daily;
DROP TABLE activity_daily;
CREATE TABLE activity_daily (
    account_id TEXT NOT NULL,
    contact_id TEXT NOT NULL,
    day        DATE NOT NULL,
    event_type TEXT NOT NULL,
    events     BIGINT NOT NULL,
    value_sum  DOUBLE PRECISION NOT NULL
);
INSERT INTO activity_daily SELECT * FROM activity_daily_0021 ORDER BY account_id, contact_id, day, event_type;
DROP TABLE activity_daily_0021;
CREATE INDEX activity_daily_account ON activity_daily (account_id);

CREATE TABLE events_0021 AS SELECT * FROM events;
DROP TABLE events;
CREATE TABLE events (
    event_id    TEXT NOT NULL,
    account_id  TEXT NOT NULL,
    contact_id  TEXT,
    event_type  TEXT NOT NULL,
    ts          TIMESTAMP NOT NULL,
    value       DOUBLE PRECISION,
    properties  JSON
);
INSERT INTO events SELECT * FROM events_0021;
DROP TABLE events_0021;
