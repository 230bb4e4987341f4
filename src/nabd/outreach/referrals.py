"""The referral programme: a signed referral link per contact (``/refer/TOKEN``, signed like the unsubscribe
and onboarding links: nabd.outreach.messages), and each referred prospect's way through the funnel
visited -> signed_up -> paying (``referral_prospects``).

- **visited**: the first visit of the link from a browser (a cookie keeps the prospect's referral id, so a
  second visit records nothing new);
- **signed_up**: the landing page's form or ``POST /api/v1/referrals/signups`` gives an e-mail address (its
  domain) or the account the prospect became;
- **paying** (the daily run, :func:`refresh_referrals`, in SQL): the referred account, given or matched by
  e-mail domain (the one other account with a contact at that domain; free-mail domains never match), starts
  its first paid subscription (mrr > 0) on or after the day of the visit and by as_of. The referral is then
  written to ``referrals`` (same id, referred_at = that day), which the health measure ``referrals`` counts,
  and the referrer's account earns the programme's reward (pending until an admin approves it).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from nabd.errors import NabdError
from nabd.feedback.links import LinkProblem, link_key
from nabd.outreach.loyalty import Loyalty, load_loyalty
from nabd.outreach.messages import read_token, signed_token
from nabd.outreach.rewards import earn
from nabd.store import Store
from nabd.store.calendar import local_day_sql, utc_instant_sql
from nabd.store.clock import utc_now

PURPOSE = "referral"
STATUSES = ("visited", "signed_up", "paying")
# A prospect signing up with one of these never matches an account by its domain (everyone shares it).
FREE_MAIL = ("gmail.com", "googlemail.com", "yahoo.com", "hotmail.com", "outlook.com", "live.com", "icloud.com",
             "aol.com", "proton.me", "protonmail.com", "gmx.com", "mail.com", "yandex.com")
_EMAIL = re.compile(r"^[^@\s]+@([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+)$")


def referral_url(base_url: str, key: bytes, contact_id: str, now: datetime) -> str:
    """The contact's signed referral link."""
    return f"{base_url.rstrip('/')}/refer/{signed_token(key, PURPOSE, contact_id, now)}"


@dataclass(frozen=True)
class Referrer:
    """The contact behind a referral link and the account that refers."""

    contact_id: str
    contact_name: str | None
    account_id: str
    account_name: str
    language: str | None


def referrer(store: Store, token: str, now: datetime | None = None) -> Referrer:
    """The referrer of a genuine referral ``token``; LinkProblem("invalid" | "expired") otherwise."""
    contact_id = read_token(link_key(store), PURPOSE, token, now or utc_now())
    rows = store.fetchall(
        "SELECT c.name, c.account_id, a.name, coalesce(c.language, a.language) FROM contacts c "
        "JOIN accounts a ON a.account_id = c.account_id WHERE c.contact_id = ?", [contact_id])
    if not rows:
        raise LinkProblem("invalid")
    name, account_id, account_name, language = rows[0]
    return Referrer(contact_id, name, account_id, account_name, language if language in ("ar", "en") else None)


def _prospect(store: Store, referral_id: str | None, contact_id: str) -> dict[str, Any] | None:
    if not referral_id:
        return None
    found = store.records("SELECT * FROM referral_prospects WHERE referral_id = ? AND contact_id = ?",
                          [referral_id, contact_id])
    return found[0] if found else None


def record_visit(store: Store, token: str, known: str | None = None,
                 now: datetime | None = None) -> tuple[Referrer, dict[str, Any]]:
    """The referrer of ``token`` and the prospect: the one ``known`` (the visitor's cookie) when it came by this
    link, else a new prospect with status visited. Nothing is stored for a bad link (LinkProblem)."""
    now = now or utc_now()
    found = referrer(store, token, now)
    prospect = _prospect(store, known, found.contact_id)
    if prospect is None:
        referral_id = "R" + secrets.token_hex(5).upper()
        store.execute(
            "INSERT INTO referral_prospects (referral_id, account_id, contact_id, status, visited_at, updated_at) "
            "VALUES (?, ?, ?, 'visited', ?, ?)", [referral_id, found.account_id, found.contact_id, now, now])
        prospect = _prospect(store, referral_id, found.contact_id)
    assert prospect is not None
    return found, prospect


def _email_domain(email: str | None) -> str | None:
    if email is None or not email.strip():
        return None
    match = _EMAIL.match(email.strip())
    if match is None:
        raise NabdError("email: %(email)r is not an e-mail address", email=email.strip()[:200])
    return match.group(1).lower()


def sign_up(store: Store, referrer_found: Referrer, *, referral_id: str | None = None, email: str | None = None,
            name: str | None = None, company: str | None = None, account_id: str | None = None,
            now: datetime | None = None) -> dict[str, Any]:
    """Record a prospect of ``referrer_found`` as signed up (the one ``referral_id`` names when it came by that
    link, else a new one visited now), with an e-mail address and/or the account it became; a paying
    prospect stays paying. NabdError for a bad e-mail, an unknown account or the referrer's own account."""
    now = now or utc_now()
    domain = _email_domain(email)
    if domain is None and not account_id:
        raise NabdError("email: give the e-mail address you signed up with")
    if account_id:
        if account_id == referrer_found.account_id:
            raise NabdError("account_id: an account cannot refer itself")
        if not store.scalar("SELECT count(*) FROM accounts WHERE account_id = ?", [account_id]):
            raise NabdError("account_id: there is no account %(account_id)r", account_id=account_id)
    with store.transaction():
        prospect = _prospect(store, referral_id, referrer_found.contact_id)
        if prospect is None:
            referral_id = "R" + secrets.token_hex(5).upper()
            store.execute(
                "INSERT INTO referral_prospects (referral_id, account_id, contact_id, status, visited_at, updated_at) "
                "VALUES (?, ?, ?, 'visited', ?, ?)",
                [referral_id, referrer_found.account_id, referrer_found.contact_id, now, now])
        store.execute(
            "UPDATE referral_prospects SET status = CASE WHEN status = 'paying' THEN status ELSE 'signed_up' END, "
            "signed_up_at = coalesce(signed_up_at, ?), email = coalesce(?, email), "
            "email_domain = coalesce(?, email_domain), name = coalesce(?, name), company = coalesce(?, company), "
            "referred_account_id = coalesce(?, referred_account_id), updated_at = ? WHERE referral_id = ?",
            [now, (email or "").strip() or None, domain, (name or "").strip()[:200] or None,
             (company or "").strip()[:200] or None, account_id or None, now, referral_id])
    return store.records("SELECT * FROM referral_prospects WHERE referral_id = ?", [referral_id])[0]


def referrer_of_code(store: Store, referral_id: str) -> tuple[Referrer, str]:
    """The referrer of a referral code (a prospect's referral id) and the code; NabdError when unknown."""
    rows = store.fetchall(
        "SELECT p.contact_id, c.name, p.account_id, a.name, coalesce(c.language, a.language) "
        "FROM referral_prospects p LEFT JOIN contacts c ON c.contact_id = p.contact_id "
        "LEFT JOIN accounts a ON a.account_id = p.account_id WHERE p.referral_id = ?", [referral_id])
    if not rows:
        raise NabdError("code: there is no referral %(code)r", code=referral_id)
    contact_id, contact_name, account_id, account_name, language = rows[0]
    return Referrer(contact_id, contact_name, account_id, account_name, language), referral_id


@dataclass
class ReferralRun:
    """What the daily run did to the funnel."""

    as_of: date
    matched: int = 0  # prospects matched to an account by e-mail domain
    paying: int = 0  # prospects that became paying
    rewards: int = 0


def refresh_referrals(store: Store, as_of: date, now: datetime, loyalty: Loyalty | None = None) -> ReferralRun:
    """Match signed-up prospects to accounts by e-mail domain, mark paying those whose account started its first
    paid subscription between the visit's day and as_of, write them to ``referrals`` and earn the reward."""
    loyalty = loyalty or load_loyalty()
    run = ReferralRun(as_of)
    free = ", ".join(f"'{domain}'" for domain in FREE_MAIL)
    with store.transaction():
        before = int(store.scalar("SELECT count(*) FROM referral_prospects WHERE referred_account_id IS NOT NULL"))
        store.execute(  # every parameter inside FROM: DuckDB numbers those of FROM before those of SET
            "UPDATE referral_prospects SET referred_account_id = m.account_id, updated_at = m.now FROM ("
            "  SELECT p.referral_id, min(c.account_id) AS account_id, CAST(? AS TIMESTAMP) AS now "
            "  FROM referral_prospects p JOIN contacts c "
            "    ON lower(split_part(c.email, '@', 2)) = p.email_domain AND c.account_id <> p.account_id "
            f"  WHERE p.referred_account_id IS NULL AND p.email_domain IS NOT NULL AND p.email_domain NOT IN ({free}) "
            "  GROUP BY p.referral_id HAVING count(DISTINCT c.account_id) = 1"
            ") m WHERE referral_prospects.referral_id = m.referral_id", [now])
        run.matched = int(store.scalar(
            "SELECT count(*) FROM referral_prospects WHERE referred_account_id IS NOT NULL")) - before
        paying_before = int(store.scalar("SELECT count(*) FROM referral_prospects WHERE status = 'paying'"))
        store.execute(
            "UPDATE referral_prospects SET status = 'paying', paying_on = f.first_paid, updated_at = f.now FROM ("
            "  SELECT account_id, min(start_date) AS first_paid, CAST(? AS TIMESTAMP) AS now, CAST(? AS DATE) AS as_of "
            "  FROM subscriptions WHERE mrr > 0 GROUP BY account_id"
            ") f WHERE referral_prospects.referred_account_id = f.account_id AND referral_prospects.status <> 'paying' "
            f"AND f.first_paid <= f.as_of AND f.first_paid >= {local_day_sql('referral_prospects.visited_at')}",
            [now, as_of])
        run.paying = int(store.scalar(
            "SELECT count(*) FROM referral_prospects WHERE status = 'paying'")) - paying_before
        store.execute(
            "INSERT INTO referrals (referral_id, account_id, referred_account_id, referred_at) "
            f"SELECT referral_id, account_id, referred_account_id, {utc_instant_sql('CAST(paying_on AS TIMESTAMP)')} "
            "FROM referral_prospects WHERE status = 'paying' ON CONFLICT DO NOTHING")
        if loyalty.referral_reward is not None:
            run.rewards = earn(
                store, loyalty.referral_reward, "referral",
                "SELECT 'referral:' || referral_id AS reward_id, account_id, referral_id AS source_id, "
                "paying_on AS earned_on FROM referral_prospects WHERE status = 'paying'", [], now)
    return run


def referral_funnel(store: Store, account_id: str | None = None) -> dict[str, int]:
    """The funnel from the prospects' rows: visited (every prospect), signed_up (signed up or paying), paying."""
    where, params = ("WHERE account_id = ?", [account_id]) if account_id else ("", [])
    visited, signed_up, paying = store.fetchall(
        "SELECT count(*), count(*) FILTER (WHERE status IN ('signed_up', 'paying')), "
        f"count(*) FILTER (WHERE status = 'paying') FROM referral_prospects {where}", params)[0]
    return {"visited": int(visited), "signed_up": int(signed_up), "paying": int(paying)}


def list_prospects(store: Store, account_id: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
    """The referred prospects, newest first, with the referrer's and the referred account's names."""
    where, params = ("WHERE p.account_id = ?", [account_id]) if account_id else ("", [])
    return store.records(
        "SELECT p.referral_id, p.account_id, a.name AS account_name, p.contact_id, p.status, p.visited_at, "
        "p.signed_up_at, p.company, p.email_domain, p.referred_account_id, r.name AS referred_name, p.paying_on "
        "FROM referral_prospects p LEFT JOIN accounts a ON a.account_id = p.account_id "
        f"LEFT JOIN accounts r ON r.account_id = p.referred_account_id {where} "
        f"ORDER BY p.visited_at DESC, p.referral_id LIMIT {int(limit)}", params)
