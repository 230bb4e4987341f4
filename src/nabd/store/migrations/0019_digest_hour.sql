-- The morning digest's hour (0-23, in the company's timezone NABD_TIMEZONE): a daily run before it queues no
-- digest for that user; the first run at or after it queues that day's one (nabd.playbooks.digest).
ALTER TABLE digest_preferences ADD COLUMN send_hour INTEGER DEFAULT 7;
