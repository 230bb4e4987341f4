-- The catalogue of event types: each type recorded and the first day it was seen. Feature adoption
-- divides by the feature: types seen by as_of; counting them in activity_daily read every row of its
-- history on every scoring run (1 of the 18 operator-seconds at 1M accounts with 120 days, and growing
-- with each day kept: benchmarks/RESULTS.md). Ingest records a batch's types with its activity_daily
-- rows (nabd.ingest.activity.record_event_types); events are never deleted, so a type stays once
-- recorded, with the earliest day an event of it was recorded on.
CREATE TABLE event_types (
    event_type TEXT PRIMARY KEY,
    first_day  DATE NOT NULL
);

INSERT INTO event_types (event_type, first_day)
SELECT event_type, min(day) FROM activity_daily GROUP BY event_type;
