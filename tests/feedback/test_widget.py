"""The in-app widget's survey rules and the one contact limit (nabd.feedback.widget), on DuckDB and PostgreSQL:
CSAT then CES after a closed ticket, NPS to a customer; every ask counts toward the limit; a throttled or
unsubscribed user is not asked; a reload shows the open ask again without counting it twice."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from nabd.errors import NabdError
from nabd.feedback.surveys import load_surveys
from nabd.feedback.throttle import ContactLimit, unreachable_contacts
from nabd.feedback.widget import widget_answer, widget_key, widget_question, widget_signature
from tests.outreach.conftest import seed_company

NOW = datetime(2026, 6, 1, 9, 0)


def book(messages: int = 3):
    return load_surveys().model_copy(update={"contact_limit": ContactLimit(messages=messages, days=30)})


def ask(store, contact="c1", account="a1", *, limit=3, now=NOW):
    signature = widget_signature(widget_key(store), account, contact)
    return widget_question(store, account, contact, signature, book=book(limit), now=now)


def answer(store, score, contact="c1", account="a1", *, limit=3, now=NOW):
    signature = widget_signature(widget_key(store), account, contact)
    return widget_answer(store, account, contact, signature, score, None, None, book=book(limit), now=now)


@pytest.fixture
def company(store):
    seed_company(store)
    store.execute("INSERT INTO tickets (ticket_id, account_id, opened_at, closed_at, priority, category, subject) "
                  "VALUES ('t1', 'a1', ?, ?, 'normal', 'billing', 'Invoice wrong')",
                  [NOW - timedelta(days=3), NOW - timedelta(days=1)])
    return store


def test_after_a_closed_ticket_the_widget_asks_csat_then_ces_then_nps(company):
    asked = []
    for hour, score in ((0, 4), (1, 6), (2, 9)):
        question = ask(company, now=NOW + timedelta(hours=hour))
        asked.append((question.survey.id, question.survey.scale, question.language))
        answer(company, score, now=NOW + timedelta(hours=hour, minutes=5))
    assert asked == [("ticket-csat", (1, 5), "ar"), ("ticket-ces", (1, 7), "ar"), ("relationship-nps", (0, 10), "ar")]
    assert company.fetchall("SELECT kind, score, touchpoint FROM survey_responses ORDER BY responded_at") == [
        ("csat", 4, "in-app widget"), ("ces", 6, "in-app widget"), ("nps", 9, "in-app widget")]


def test_a_customer_with_no_recent_ticket_is_asked_nps(company):
    assert ask(company, contact="c3", account="a2").survey.id == "relationship-nps"


def test_every_ask_counts_toward_the_contact_limit_answered_or_not(company):
    ask(company, limit=1)
    assert unreachable_contacts(company, ["c1"], NOW + timedelta(days=2), ContactLimit(messages=1, days=30)) == {
        "c1": "throttled"}
    assert company.fetchall("SELECT channel FROM contact_messages WHERE contact_id = 'c1'") == [("widget",)]
    assert ask(company, limit=1, now=NOW + timedelta(days=2)) is None  # the open ask expired; the limit holds


def test_a_throttled_user_is_not_asked_and_nothing_is_recorded(company):
    company.execute("INSERT INTO journey_messages VALUES ('m1', 'save', 'a1', 'c1', 0, 'ar', 'queued', 'n1', ?)",
                    [NOW - timedelta(days=1)])
    assert ask(company, limit=1) is None
    assert company.scalar("SELECT count(*) FROM widget_asks") == 0


def test_an_unsubscribed_user_is_not_asked(company):
    company.execute("INSERT INTO contact_unsubscribes VALUES ('c1', ?)", [NOW - timedelta(days=1)])
    assert ask(company) is None


def test_a_reload_shows_the_open_ask_again_without_counting_it_twice(company):
    first, again = ask(company, limit=1), ask(company, limit=1, now=NOW + timedelta(minutes=10))
    assert first.ask_id == again.ask_id and again.survey.id == "ticket-csat"
    assert company.scalar("SELECT count(*) FROM contact_messages WHERE contact_id = 'c1'") == 1


def test_an_answer_needs_an_open_ask_and_its_scale(company):
    with pytest.raises(NabdError, match="not asked"):
        answer(company, 4)
    ask(company)
    with pytest.raises(NabdError):
        answer(company, 9)  # CSAT is 1-5
    answer(company, 5)
    with pytest.raises(NabdError, match="not asked"):
        answer(company, 5)  # answered once
