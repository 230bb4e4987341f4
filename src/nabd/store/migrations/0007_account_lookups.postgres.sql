-- The account page and the API read one account's rows from big tables: an index on account_id
-- turns each of those reads from a scan into a lookup (the primary keys of health_scores and
-- activity_daily start with account_id, so they already serve).
-- And a user can be disabled (kept, but unable to log in) by an admin on the users page.

ALTER TABLE users ADD COLUMN disabled_at TIMESTAMP;

CREATE INDEX tickets_account ON tickets (account_id);
CREATE INDEX invoices_account ON invoices (account_id);
CREATE INDEX survey_responses_account ON survey_responses (account_id);
CREATE INDEX referrals_account ON referrals (account_id);
CREATE INDEX tasks_account ON tasks (account_id);
CREATE INDEX subscriptions_account ON subscriptions (account_id);
