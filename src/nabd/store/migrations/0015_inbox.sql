-- The CSM's daily workspace (issue 25): what a task is about, what CSMs did with a warning, saved
-- portfolio views and the morning digest's settings.

-- A task's cause (indicator:<name>, band:<id>, band_change, score_drop, renewal, new_account, or a
-- person's choice from the inbox), the numbers behind it (JSON: the title is worded from them in the
-- reader's language), its title templates ({"en": ..., "ar": ...}) and the as-of day of the playbook run
-- that opened it (null for a person's task): one account gets one open task per cause, and the cap of
-- tasks per CSM and day counts the tasks of one as-of day.
ALTER TABLE tasks ADD COLUMN cause TEXT;
ALTER TABLE tasks ADD COLUMN evidence TEXT;
ALTER TABLE tasks ADD COLUMN wording TEXT;
ALTER TABLE tasks ADD COLUMN as_of DATE;

-- A warning of the risk inbox (an account and a cause) snoozed with a reason until a day, or dismissed
-- as a false alarm (kept: the warning backtest counts dismissed firings that were followed by churn).
CREATE TABLE warning_actions (
    action_id  TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    cause      TEXT NOT NULL,
    action     TEXT NOT NULL,          -- snoozed | dismissed
    reason     TEXT NOT NULL,
    as_of      DATE NOT NULL,          -- the day of the firing acted on
    hidden_until DATE NOT NULL,        -- hidden from the inbox before this day
    acted_by   TEXT NOT NULL,
    acted_at   TIMESTAMP NOT NULL
);

-- A named portfolio filter (its query string), shareable as /views/<view_id>.
CREATE TABLE saved_views (
    view_id    TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    owner      TEXT NOT NULL,
    query      TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- The morning digest of each user: where it goes (e-mail and/or a Slack-compatible webhook) and whether
-- it is sent; no row = e-mail to no one (a user without an address gets none).
CREATE TABLE digest_preferences (
    login       TEXT PRIMARY KEY,
    email       TEXT,
    webhook_url TEXT,
    enabled     BOOLEAN NOT NULL DEFAULT TRUE,
    sent_on     DATE                   -- the last morning a digest was queued (one per day)
);
