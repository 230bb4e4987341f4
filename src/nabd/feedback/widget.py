"""The in-app survey widget: a company's product asks its identified users the survey book's NPS, CSAT and CES
questions inside the product (per the survey rules: :func:`due_widget_survey`), and posts the answers here.

A user is identified by (account_id, contact_id) and the company's signature of them: hex HMAC-SHA256 over
``account_id:contact_id`` with the widget key (derived from the survey key: `nabd feedback widget-key` prints
it), computed by the company's server so a user cannot answer for another. The widget asks only a contact
within the contact limit (nabd.feedback.throttle), not unsubscribed; every ask is a message of that limit
(``widget_asks``, in the view ``contact_messages``). Answers land in ``survey_responses`` (touchpoint
``in-app widget``) and are analysed like any other.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from nabd.errors import NabdError
from nabd.feedback.links import link_key
from nabd.feedback.responses import PostedResponse, check_score, record_response
from nabd.feedback.surveys import Survey, SurveyBook, load_surveys
from nabd.feedback.throttle import unreachable_contacts
from nabd.metrics.active import active_accounts
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


def _verified(store: Store, account_id: str, contact_id: str, signature: str) -> None:
    expected = widget_signature(widget_key(store), account_id, contact_id)
    if not hmac.compare_digest(expected, signature or ""):
        raise WidgetRefused("the signature does not match the user")
    known = store.scalar("SELECT count(*) FROM contacts WHERE contact_id = ? AND account_id = ?",
                         [contact_id, account_id])
    if not known:
        raise WidgetRefused("no such contact in that account")


# The survey rules of the widget: the touchpoints it asks about, the most timely first, and how recent the
# touchpoint's event must be (a ticket closed, the account's 30th day) for its survey to be due.
WIDGET_TOUCHPOINTS = ("after ticket closed", "after onboarding", "quarterly relationship")
RECENT_DAYS = 7
ONBOARDING_DAYS = 30
ASK_HOURS = 24  # an ask stays open this long: shown again on a reload (not counted twice), answerable once


@dataclass(frozen=True)
class WidgetQuestion:
    survey: Survey
    language: str
    ask_id: str


def _language(store: Store, contact_id: str) -> str:
    language = store.scalar(
        "SELECT coalesce(c.language, a.language, 'en') FROM contacts c LEFT JOIN accounts a "
        "ON a.account_id = c.account_id WHERE c.contact_id = ?", [contact_id])
    return language if language in ("ar", "en") else "en"


def _open_ask(store: Store, contact_id: str, book: SurveyBook, now: datetime) -> tuple[str, Survey] | None:
    """The contact's unanswered ask of the last ASK_HOURS (its id and survey), or None."""
    found = store.fetchall(
        "SELECT ask_id, survey_id FROM widget_asks WHERE contact_id = ? AND response_id IS NULL AND asked_at > ? "
        "AND asked_at <= ? ORDER BY asked_at DESC, ask_id LIMIT 1", [contact_id, now - timedelta(hours=ASK_HOURS), now])
    return (found[0][0], book.survey(found[0][1])) if found else None


def due_widget_survey(store: Store, account_id: str, contact_id: str, book: SurveyBook, now: datetime) -> Survey | None:
    """The survey the widget asks the contact now, per the survey rules: CSAT then CES after a ticket of the
    account closed in the last RECENT_DAYS, CES after onboarding (the account is ONBOARDING_DAYS to
    ONBOARDING_DAYS + RECENT_DAYS days old), NPS to a customer (an active subscription, quarterly relationship);
    a survey asked of the contact in the contact limit's days (answered or not) is not asked again."""
    day = now.date()
    active = store.ibis.compile(active_accounts(store, day))
    ticket, onboarding, customer = store.fetchall(
        "SELECT EXISTS (SELECT 1 FROM tickets t WHERE t.account_id = ? AND t.closed_at > ? AND t.closed_at <= ?), "
        "EXISTS (SELECT 1 FROM accounts a WHERE a.account_id = ? AND a.created_at > ? AND a.created_at <= ?), "
        f"EXISTS (SELECT 1 FROM ({active}) x WHERE x.account_id = ?)",
        [account_id, now - timedelta(days=RECENT_DAYS), now, account_id,
         now - timedelta(days=ONBOARDING_DAYS + RECENT_DAYS), now - timedelta(days=ONBOARDING_DAYS), account_id],
    )[0]
    holds = {"after ticket closed": ticket, "after onboarding": onboarding, "quarterly relationship": customer}
    asked = {survey_id for (survey_id,) in store.fetchall(
        "SELECT DISTINCT survey_id FROM widget_asks WHERE contact_id = ? AND asked_at > ?",
        [contact_id, now - timedelta(days=max(book.contact_limit.days, 1))])}
    for touchpoint in WIDGET_TOUCHPOINTS:
        for survey in book.surveys:
            if survey.touchpoint == touchpoint and holds[touchpoint] and survey.id not in asked and not survey.reasons:
                return survey
    return None


def widget_question(
    store: Store, account_id: str, contact_id: str, signature: str, *, book: SurveyBook | None = None,
    now: datetime | None = None,
) -> WidgetQuestion | None:
    """The question to ask this signed user now, in their language, or None (contact limit, unsubscribed, nothing
    due). Each new ask is recorded in ``widget_asks`` and counts toward the contact limit; an open ask (of the
    last ASK_HOURS, unanswered) is shown again without counting anew."""
    _verified(store, account_id, contact_id, signature)
    book, now = book or load_surveys(), now or utc_now()
    language = _language(store, contact_id)
    pending = _open_ask(store, contact_id, book, now)
    if pending is not None:
        return WidgetQuestion(pending[1], language, pending[0])
    if unreachable_contacts(store, [contact_id], now, book.contact_limit):
        return None
    survey = due_widget_survey(store, account_id, contact_id, book, now)
    if survey is None:
        return None
    ask_id = f"ask-{uuid.uuid4().hex[:16]}"
    store.execute("INSERT INTO widget_asks (ask_id, account_id, contact_id, survey_id, kind, asked_at) "
                  "VALUES (?, ?, ?, ?, ?, ?)", [ask_id, account_id, contact_id, survey.id, survey.kind, now])
    return WidgetQuestion(survey, language, ask_id)


def widget_answer(
    store: Store, account_id: str, contact_id: str, signature: str, score: int, comment: str | None,
    language: str | None, *, book: SurveyBook | None = None, now: datetime | None = None,
) -> str:
    """Store a signed user's answer to their open ask (once); returns the response id."""
    _verified(store, account_id, contact_id, signature)
    book, now = book or load_surveys(), now or utc_now()
    pending = _open_ask(store, contact_id, book, now)
    if pending is None:
        raise NabdError("this user was not asked a question to answer now (or already answered it)")
    ask_id, survey = pending
    check_score(survey.kind, score)
    response_id = record_response(store, PostedResponse(  # its id is the ask's: a repeated post replaces it
        response_id=f"widget-{ask_id}", account_id=account_id, contact_id=contact_id, kind=survey.kind, score=score,
        comment=(comment or "").strip()[:5000] or None, language=language if language in ("ar", "en") else None,
        touchpoint=TOUCHPOINT, responded_at=now,
    ))
    store.execute("UPDATE widget_asks SET response_id = ? WHERE ask_id = ?", [response_id, ask_id])
    return response_id
