"""The in-app survey widget: a company's product asks its identified users the relationship NPS question
(the survey book's ``quarterly relationship`` survey) inside the product, and posts the answers here.

A user is identified by (account_id, contact_id) and the company's signature of them: hex HMAC-SHA256 over
``account_id:contact_id`` with the widget key (derived from the survey key: `nabd feedback widget-key` prints
it), computed by the company's server so a user cannot answer for another. The widget asks only a contact
within the contact limit (nabd.feedback.throttle), not unsubscribed, who has not answered it in the limit's
days; answers land in ``survey_responses`` (touchpoint ``in-app widget``) and are analysed like any other.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from nabd.errors import NabdError
from nabd.feedback.links import link_key
from nabd.feedback.responses import PostedResponse, check_score, record_response
from nabd.feedback.surveys import Survey, SurveyBook, load_surveys
from nabd.feedback.throttle import unreachable_contacts
from nabd.store import Store
from nabd.store.clock import utc_now

TOUCHPOINT = "in-app widget"


class WidgetRefused(Exception):
    """A widget request that must store nothing: a bad signature or an unknown contact."""


def widget_key(store: Store) -> str:
    """The key a company signs its users with: HMAC-SHA256(survey key, 'nabd-widget'), hex."""
    return hmac.new(link_key(store), b"nabd-widget", hashlib.sha256).hexdigest()


def widget_signature(key: str, account_id: str, contact_id: str) -> str:
    """hex HMAC-SHA256(key, 'account_id:contact_id'): what the company's server puts in the snippet."""
    return hmac.new(key.encode("ascii"), f"{account_id}:{contact_id}".encode(), hashlib.sha256).hexdigest()


def _survey(book: SurveyBook) -> Survey:
    return next(s for s in book.surveys if s.touchpoint == "quarterly relationship")


def _verified(store: Store, account_id: str, contact_id: str, signature: str) -> None:
    expected = widget_signature(widget_key(store), account_id, contact_id)
    if not hmac.compare_digest(expected, signature or ""):
        raise WidgetRefused("the signature does not match the user")
    known = store.scalar("SELECT count(*) FROM contacts WHERE contact_id = ? AND account_id = ?",
                         [contact_id, account_id])
    if not known:
        raise WidgetRefused("no such contact in that account")


@dataclass(frozen=True)
class WidgetQuestion:
    survey: Survey
    language: str


def widget_question(
    store: Store, account_id: str, contact_id: str, signature: str, *, book: SurveyBook | None = None,
    now: datetime | None = None,
) -> WidgetQuestion | None:
    """The question to ask this signed user now, in their language, or None (limit, unsubscribed, answered)."""
    _verified(store, account_id, contact_id, signature)
    book, now = book or load_surveys(), now or utc_now()
    if unreachable_contacts(store, [contact_id], now, book.contact_limit):
        return None
    answered = store.scalar(
        "SELECT count(*) FROM survey_responses WHERE contact_id = ? AND touchpoint = ? AND responded_at > ?",
        [contact_id, TOUCHPOINT, now - timedelta(days=book.contact_limit.days)],
    )
    if answered:
        return None
    language = store.scalar(
        "SELECT coalesce(c.language, a.language, 'en') FROM contacts c LEFT JOIN accounts a "
        "ON a.account_id = c.account_id WHERE c.contact_id = ?", [contact_id])
    return WidgetQuestion(_survey(book), language if language in ("ar", "en") else "en")


def widget_answer(
    store: Store, account_id: str, contact_id: str, signature: str, score: int, comment: str | None,
    language: str | None, *, book: SurveyBook | None = None, now: datetime | None = None,
) -> str:
    """Store a signed user's answer (once per contact limit window); returns the response id."""
    book, now = book or load_surveys(), now or utc_now()
    asked = widget_question(store, account_id, contact_id, signature, book=book, now=now)
    if asked is None:
        raise NabdError("this user is not to be asked now (contact limit, unsubscribed or already answered)")
    check_score(asked.survey.kind, score)
    return record_response(store, PostedResponse(
        account_id=account_id, contact_id=contact_id, kind=asked.survey.kind, score=score,
        comment=(comment or "").strip()[:5000] or None, language=language if language in ("ar", "en") else None,
        touchpoint=TOUCHPOINT, responded_at=now,
    ))
