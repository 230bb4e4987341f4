"""Journeys end to end on DuckDB and PostgreSQL, with a real SMTP server: entered by a band change, the
right language's e-mail, waits, branches, a task for the CSM, the shared contact limit and unsubscribes."""

from __future__ import annotations

from datetime import datetime, timedelta

from nabd.feedback.links import link_key
from nabd.feedback.throttle import ContactLimit
from nabd.outreach.advance import advance_journeys
from nabd.outreach.messages import signed_token
from nabd.outreach.unsubscribe import unsubscribe
from nabd.playbooks.outbox import deliver
from nabd.playbooks.tasks import task_list
from tests.outreach.conftest import BASE_URL, DAY, NOW, band_change, save_journey

LIMIT = ContactLimit(messages=3, days=30)


def advance(store, day, *, journeys=None, limit=LIMIT, now=None):
    return advance_journeys(store, day, journeys=journeys or save_journey(), base_url=BASE_URL,
                            sender="cs@nabd.test", limit=limit, now=now or datetime.combine(day, NOW.time()))


def html_part(message):
    return message.get_body(preferencelist=("html",)).get_content()


def text_part(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def test_a_band_change_sends_each_contact_the_email_in_their_language(company, mailbox):
    box, smtp = mailbox
    band_change(company, "a1", DAY, "unhealthy", 42)
    run = advance(company, DAY)
    assert run.entered == {"save": 1} and run.emails == 2
    assert deliver(company, smtp=smtp, now=NOW + timedelta(hours=1)).sent == 2
    by_recipient = {m["To"]: m for m in box.messages}
    arabic, english = by_recipient["huda@acme.test"], by_recipient["sam@acme.test"]
    assert arabic["Subject"] == "عرض خاص لـ Acme Trading" and arabic["Content-Language"] == "ar"
    assert "مرحباً Huda، أخبرنا بما لا يلبي احتياجاتك." in text_part(arabic)
    assert '<html lang="ar" dir="rtl">' in html_part(arabic) and "direction:rtl" in html_part(arabic)
    assert english["Subject"] == "An offer for Acme Trading"
    assert "Hello Sam, tell us what is wrong." in text_part(english) and 'dir="ltr"' in html_part(english)
    link = english["List-Unsubscribe"].strip("<>")
    assert link.startswith(f"{BASE_URL}/unsubscribe/") and link in text_part(english)
    assert english["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "omar@beta.test" not in by_recipient  # a2 changed no band


def test_the_journey_waits_then_branches_to_a_task_for_the_csm_when_no_one_answered(company, mailbox):
    box, smtp = mailbox
    band_change(company, "a1", DAY, "unhealthy", 42)
    advance(company, DAY)
    advance(company, DAY + timedelta(days=6))  # still waiting
    assert task_list(company, owner="carla") == []
    advance(company, DAY + timedelta(days=7))
    tasks = task_list(company, owner="carla")
    assert [(t["account_id"], t["title"], t["priority"], t["playbook"]) for t in tasks] == [
        ("a1", "Call Acme Trading (band neutral -> unhealthy, score 42)", "high", "journey:save")]
    assert company.fetchall("SELECT status, step FROM journey_enrolments") == [("done", 4)]


def test_an_answer_since_entering_takes_the_other_branch(company, mailbox):
    band_change(company, "a1", DAY, "unhealthy", 42)
    advance(company, DAY)
    company.execute(
        "INSERT INTO survey_responses (response_id, account_id, contact_id, kind, score, responded_at) "
        "VALUES ('r1', 'a1', 'c2', 'nps', 4, ?)", [NOW + timedelta(days=2)],
    )
    advance(company, DAY + timedelta(days=7))
    assert task_list(company, owner="carla") == []
    outcomes = company.fetchall("SELECT step, kind, outcome FROM journey_steps ORDER BY step")
    assert outcomes[2] == (2, "branch", "answered: yes -> end")


def test_the_contact_limit_is_shared_with_surveys(company, mailbox):
    box, smtp = mailbox
    company.execute(
        "INSERT INTO survey_sends (send_id, survey_id, kind, touchpoint, account_id, contact_id, email, language, "
        "sent_at, expires_at) VALUES ('s1', 'relationship-nps', 'nps', 'quarterly relationship', 'a1', 'c1', "
        "'huda@acme.test', 'ar', ?, ?)", [NOW - timedelta(days=5), NOW + timedelta(days=9)],
    )
    band_change(company, "a1", DAY, "unhealthy", 42)
    advance(company, DAY, limit=ContactLimit(messages=1, days=30))
    deliver(company, smtp=smtp, now=NOW + timedelta(hours=1))
    assert [m["To"] for m in box.messages] == ["sam@acme.test"]
    assert company.fetchall("SELECT contact_id, status FROM journey_messages ORDER BY contact_id") == [
        ("c1", "throttled"), ("c2", "queued")]


def test_an_unsubscribed_contact_gets_no_more_email(company, mailbox):
    box, smtp = mailbox
    token = signed_token(link_key(company), "unsubscribe", "c1", NOW)
    assert unsubscribe(company, token, NOW).contact_id == "c1"
    band_change(company, "a1", DAY, "unhealthy", 42)
    advance(company, DAY)
    deliver(company, smtp=smtp, now=NOW + timedelta(hours=1))
    assert [m["To"] for m in box.messages] == ["sam@acme.test"]
    assert company.fetchall("SELECT contact_id, status FROM journey_messages ORDER BY contact_id") == [
        ("c1", "unsubscribed"), ("c2", "queued")]


def test_the_unsubscribe_link_of_a_sent_email_unsubscribes_its_contact(company, mailbox):
    box, smtp = mailbox
    band_change(company, "a1", DAY, "unhealthy", 42)
    advance(company, DAY)
    deliver(company, smtp=smtp, now=NOW + timedelta(hours=1))
    english = next(m for m in box.messages if m["To"] == "sam@acme.test")
    token = english["List-Unsubscribe"].strip("<>").rsplit("/", 1)[1]
    assert unsubscribe(company, token).contact_id == "c2"
    assert company.fetchall("SELECT contact_id FROM contact_unsubscribes") == [("c2",)]


def test_a_rerun_of_the_same_day_sends_nothing_twice(company, mailbox):
    box, smtp = mailbox
    band_change(company, "a1", DAY, "unhealthy", 42)
    advance(company, DAY)
    advance(company, DAY)
    deliver(company, smtp=smtp, now=NOW + timedelta(hours=1))
    advance(company, DAY)
    deliver(company, smtp=smtp, now=NOW + timedelta(hours=2))
    assert sorted(m["To"] for m in box.messages) == ["huda@acme.test", "sam@acme.test"]
    assert company.scalar("SELECT count(*) FROM journey_enrolments") == 1


def test_a_churned_account_leaves_the_journey_before_its_next_step(company, mailbox):
    band_change(company, "a1", DAY, "unhealthy", 42)
    advance(company, DAY)
    company.execute("UPDATE subscriptions SET end_date = ? WHERE account_id = 'a1'", [DAY + timedelta(days=3)])
    advance(company, DAY + timedelta(days=7))
    assert company.fetchall("SELECT status, exit_reason FROM journey_enrolments") == [("exited", "churned")]
    assert task_list(company, owner="carla") == []


def test_a_contact_who_unsubscribes_after_the_email_was_queued_is_not_sent_it(company, mailbox):
    box, smtp = mailbox
    band_change(company, "a1", DAY, "unhealthy", 42)
    advance(company, DAY)
    unsubscribe(company, signed_token(link_key(company), "unsubscribe", "c1", NOW), NOW)
    done = deliver(company, smtp=smtp, now=NOW + timedelta(hours=1))
    assert (done.sent, done.cancelled) == (1, 1) and [m["To"] for m in box.messages] == ["sam@acme.test"]
    assert company.fetchall("SELECT target, status FROM outbox ORDER BY target") == [
        ("huda@acme.test", "cancelled"), ("sam@acme.test", "sent")]


def test_a_task_step_over_the_csm_daily_cap_stays_at_its_step_and_runs_the_next_day(company, mailbox, monkeypatch):
    monkeypatch.setenv("NABD_TASKS_PER_CSM_PER_DAY", "1")  # carla owns a1 and a2: one task a day
    band_change(company, "a1", DAY, "unhealthy", 42)
    band_change(company, "a2", DAY, "unhealthy", 40)
    advance(company, DAY)
    run = advance(company, DAY + timedelta(days=7))
    assert [t["account_id"] for t in task_list(company, owner="carla")] == ["a1"]
    assert any("wait at their step" in note for note in run.notes)
    assert company.fetchall("SELECT account_id, status, step FROM journey_enrolments ORDER BY account_id") == [
        ("a1", "done", 4), ("a2", "active", 3)]
    advance(company, DAY + timedelta(days=8))
    assert sorted(t["account_id"] for t in task_list(company, owner="carla")) == ["a1", "a2"]
    assert company.fetchall("SELECT account_id, status, step FROM journey_enrolments ORDER BY account_id") == [
        ("a1", "done", 4), ("a2", "done", 4)]
