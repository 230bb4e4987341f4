-- Journeys edited on the web (with who, when and what), and the in-app widget's asks, which count toward
-- the one contact limit.

-- Every save of the journeys on the web: the whole validated document. The newest row is the journeys in
-- force (the daily run, the pages, `nabd journeys`); with no row, NABD_JOURNEYS or the shipped file.
CREATE TABLE journey_versions (
    version_id  TEXT PRIMARY KEY,
    yaml        TEXT NOT NULL,
    digest      TEXT NOT NULL,        -- sha256 of yaml (hex, 16 characters)
    journey     TEXT NOT NULL,        -- the journey the save changed
    action      TEXT NOT NULL,        -- created | edited | disabled | enabled
    saved_by    TEXT NOT NULL,
    saved_at    TIMESTAMP NOT NULL
);
CREATE INDEX journey_versions_saved ON journey_versions (saved_at);

-- One question the in-app widget put to a contact: a message of the contact limit whether answered or not.
CREATE TABLE widget_asks (
    ask_id      TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL,
    contact_id  TEXT NOT NULL,
    survey_id   TEXT NOT NULL,
    kind        TEXT NOT NULL,        -- nps | csat | ces
    asked_at    TIMESTAMP NOT NULL,
    response_id TEXT                  -- the answer (survey_responses), once answered
);
CREATE INDEX widget_asks_contact ON widget_asks (contact_id, asked_at);

-- Every message a contact was sent: surveys, journey e-mails and widget asks (nabd.feedback.throttle).
DROP VIEW contact_messages;
CREATE VIEW contact_messages AS
SELECT contact_id, sent_at, 'survey' AS channel FROM survey_sends
UNION ALL
SELECT contact_id, created_at AS sent_at, 'journey' AS channel FROM journey_messages WHERE status = 'queued'
UNION ALL
SELECT contact_id, asked_at AS sent_at, 'widget' AS channel FROM widget_asks;
