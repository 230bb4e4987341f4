-- Sessions and API tokens that can be ended (nabd.web.users): each user's session generation is a random
-- value every session cookie carries; logging out, a password reset, disabling and a role change replace
-- it, so every session of the user ends at once. An API token revoked one by one keeps its revoked_at,
-- so enabling its user again never brings it back.
ALTER TABLE users ADD COLUMN session_generation TEXT;

UPDATE users SET session_generation = md5(CAST(random() AS TEXT) || login);

ALTER TABLE api_tokens ADD COLUMN revoked_at TIMESTAMP;
