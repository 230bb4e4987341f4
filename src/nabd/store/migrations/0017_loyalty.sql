-- Loyalty and referral programmes (src/nabd/outreach: referrals.py, loyalty.py, rewards.py).

-- One referred prospect who opened a contact's signed referral link (/refer/TOKEN): visited on the first
-- visit, signed_up when the sign-up form or the API gives an e-mail (or the account it became), paying when
-- an account matched by that account id or e-mail domain starts its first paid subscription (the daily run).
-- A paying one is also written to `referrals` (same referral_id), which the health measure counts.
CREATE TABLE referral_prospects (
    referral_id         TEXT PRIMARY KEY,   -- also the referral code the prospect is shown
    account_id          TEXT NOT NULL,      -- the referrer
    contact_id          TEXT NOT NULL,      -- whose link it was
    status              TEXT NOT NULL,      -- visited | signed_up | paying
    visited_at          TIMESTAMP NOT NULL,
    signed_up_at        TIMESTAMP,
    name                TEXT,
    company             TEXT,
    email               TEXT,
    email_domain        TEXT,               -- lower case, matched against contacts' e-mail domains
    referred_account_id TEXT,
    paying_on           DATE,               -- the first day of the referred account's first paid subscription
    updated_at          TIMESTAMP NOT NULL
);

-- The rewards ledger: earned by a referral reaching paying (source referral) or an account entering a
-- loyalty tier (source tier), pending until an admin approves or rejects it (decided_by, decided_at: once).
CREATE TABLE rewards (
    reward_id      TEXT PRIMARY KEY,        -- referral:REFERRAL_ID | tier:ACCOUNT_ID:TIER: earned once
    account_id     TEXT NOT NULL,           -- who earns it
    source         TEXT NOT NULL,           -- referral | tier
    source_id      TEXT NOT NULL,           -- the referral id or the tier id
    kind           TEXT NOT NULL,           -- credit | discount | gift
    amount         DECIMAL(18,4),           -- credit: money; discount: percent; gift: none
    currency       TEXT,
    description_en TEXT,
    description_ar TEXT,
    earned_on      DATE NOT NULL,
    status         TEXT NOT NULL,           -- pending | approved | rejected
    created_at     TIMESTAMP NOT NULL,
    decided_by     TEXT,
    decided_at     TIMESTAMP,
    decision_note  TEXT
);

-- Each account's loyalty tier as of the last daily run, and the day it entered it (no row: no tier).
CREATE TABLE account_tiers (
    account_id TEXT PRIMARY KEY,
    tier       TEXT NOT NULL,
    since      DATE NOT NULL,
    as_of      DATE NOT NULL
);
