"""Unsubscribing through the signed link of a journey e-mail: the contact gets no journey e-mail and no
survey from then on (nabd.feedback.throttle reads ``contact_unsubscribes``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from nabd.feedback.links import LinkProblem, link_key
from nabd.outreach.messages import read_token
from nabd.store import Store
from nabd.store.clock import utc_now


@dataclass(frozen=True)
class Subscriber:
    """The contact behind an unsubscribe link: language for the page, and whether already unsubscribed."""

    contact_id: str
    language: str
    unsubscribed: bool


def subscriber(store: Store, token: str, now: datetime | None = None) -> Subscriber:
    """The contact of a genuine unsubscribe ``token``; LinkProblem("invalid" | "expired") otherwise."""
    contact_id = read_token(link_key(store), "unsubscribe", token, now or utc_now())
    rows = store.fetchall(
        "SELECT coalesce(c.language, a.language, 'en'), "
        "EXISTS (SELECT 1 FROM contact_unsubscribes u WHERE u.contact_id = c.contact_id) "
        "FROM contacts c LEFT JOIN accounts a ON a.account_id = c.account_id WHERE c.contact_id = ?", [contact_id],
    )
    if not rows:
        raise LinkProblem("invalid")
    language, unsubscribed = rows[0]
    return Subscriber(contact_id, language if language in ("ar", "en") else "en", bool(unsubscribed))


def unsubscribe(store: Store, token: str, now: datetime | None = None) -> Subscriber:
    """Record the contact of ``token`` as unsubscribed (once; a second click changes nothing)."""
    now = now or utc_now()
    found = subscriber(store, token, now)
    store.execute(
        "INSERT INTO contact_unsubscribes (contact_id, unsubscribed_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
        [found.contact_id, now],
    )
    return Subscriber(found.contact_id, found.language, True)
