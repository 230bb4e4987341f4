"""What a CSM records on an account in the app (the account page and ``/api/v1``): notes and logged
activities (``account_notes``), the relationship rating and referrals (the canonical tables
``relationship_ratings`` and ``referrals``, the same rows a CSV import writes), and score overrides
(nabd.health.overrides).

The caller checks who may write (nabd.web.read.permissions); bad values are a NabdError naming the field.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from nabd.errors import NabdError
from nabd.health.overrides import set_override
from nabd.store import Store
from nabd.web.read.bands import scorecard_shown
from nabd.web.read.timeline import ACTIVITY_KINDS

MAX_TEXT = 4000


def add_note(store: Store, account_id: str, *, kind: str, happened_on: date, body: str, author: str,
             today: date, now: datetime, participants: str | None = None, outcome: str | None = None) -> str:
    """Record a note or a logged call, meeting, e-mail or QBR on the account; returns its id."""
    if kind not in ACTIVITY_KINDS:
        raise NabdError(f"kind: use one of {', '.join(ACTIVITY_KINDS)}")
    body = body.strip()
    if not body:
        raise NabdError("body: write what was said or done")
    if len(body) > MAX_TEXT:
        raise NabdError(f"body: at most {MAX_TEXT} characters")
    if happened_on > today:
        raise NabdError(f"happened_on: {happened_on} is in the future (today is {today})")
    note_id = uuid.uuid4().hex[:16]
    store.execute(
        "INSERT INTO account_notes (note_id, account_id, kind, happened_on, participants, outcome, body, author, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [note_id, account_id, kind, happened_on, (participants or "").strip() or None,
         (outcome or "").strip() or None, body, author, now],
    )
    return note_id


def rate_relationship(store: Store, account_id: str, *, rating: int, note: str | None, rated_on: date) -> None:
    """The CSM's relationship rating (1-5) of the day ``rated_on``, replacing that day's rating."""
    if not 1 <= rating <= 5:
        raise NabdError("rating: a relationship rating is 1 to 5")
    with store.transaction():
        store.execute("DELETE FROM relationship_ratings WHERE account_id = ? AND rated_at = ?", [account_id, rated_on])
        store.execute("INSERT INTO relationship_ratings (account_id, rated_at, rating, note) VALUES (?, ?, ?, ?)",
                      [account_id, rated_on, rating, (note or "").strip() or None])


def add_referral(store: Store, account_id: str, *, referred: str, now: datetime) -> str:
    """A referral by the account: ``referred`` is the referred company's account id (or its name while it has
    none); returns the referral's id."""
    referred = referred.strip()
    if not referred:
        raise NabdError("referred: name the company that was referred")
    referral_id = "web-" + uuid.uuid4().hex[:12]
    store.execute("INSERT INTO referrals (referral_id, account_id, referred_account_id, referred_at) VALUES (?, ?, ?, ?)",
                  [referral_id, account_id, referred, now])
    return referral_id


def override_score(store: Store, account_id: str, *, score: int, reason: str, expires_on: date, by: str,
                   today: date, now: datetime) -> str:
    """Override the account's score (health.overrides.set_override) by ``by``, who owns it; its band is the one
    the score falls in under the scorecard of the account's latest score (else the active one)."""
    version = store.scalar("SELECT scorecard_version FROM health_scores WHERE account_id = ? "
                           "ORDER BY as_of DESC, computed_at DESC LIMIT 1", [account_id])
    card = scorecard_shown(store, version)
    band = next((b.id for b in card.bands if b.range[0] <= score <= b.range[1]), None)
    return set_override(store, account_id, score=score, band=band, scorecard_version=card.version, reason=reason,
                        owner=by, expires_on=expires_on, by=by, today=today, now=now)
