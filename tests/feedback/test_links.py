"""Signed single-use survey links and throttled sending by SMTP, on DuckDB and PostgreSQL."""

from datetime import datetime, timedelta

import pytest

from nabd.errors import NabdError
from nabd.feedback.links import LinkProblem, sign_link, verify_link
from nabd.feedback.responses import answer_link, open_link
from nabd.feedback.sending import send_survey
from nabd.feedback.surveys import load_surveys
from nabd.feedback.throttle import ContactLimit
from nabd.store.signing import rotate_keys
from tests.feedback.conftest import seed_contacts, token_of

KEY = b"test-key"
NOW = datetime(2026, 5, 10, 9, 0)


def test_a_genuine_link_gives_back_its_send_id():
    assert verify_link(KEY, sign_link(KEY, "s1", NOW + timedelta(days=14)), NOW) == "s1"


@pytest.mark.parametrize("change", [
    lambda t: t.replace("s1.", "s2.", 1),                      # another send id
    lambda t: t[: t.index(".") + 1] + "9999999999" + t[t.rindex("."):],  # a later expiry
    lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),         # a changed signature
    lambda t: "garbage",
])
def test_a_tampered_link_is_invalid(change):
    token = sign_link(KEY, "s1", NOW + timedelta(days=14))
    with pytest.raises(LinkProblem) as problem:
        verify_link(KEY, change(token), NOW)
    assert problem.value.reason == "invalid"


def test_a_link_signed_with_another_key_is_invalid():
    with pytest.raises(LinkProblem, match="invalid"):
        verify_link(KEY, sign_link(b"other-key", "s1", NOW + timedelta(days=1)), NOW)


def test_a_link_is_expired_from_its_expiry_second_on():
    token = sign_link(KEY, "s1", NOW + timedelta(days=14))
    assert verify_link(KEY, token, NOW + timedelta(days=14, seconds=-1)) == "s1"
    with pytest.raises(LinkProblem, match="expired"):
        verify_link(KEY, token, NOW + timedelta(days=14))


def test_sending_mails_each_contact_a_personal_link_in_their_language(store, mailbox):
    box, smtp = mailbox
    seed_contacts(store)
    report = send_survey(store, "relationship-nps", ["c1", "c2"], base_url="http://nabd.test", smtp=smtp, now=NOW)
    assert len(report.sent) == 2 and report.throttled == []
    by_recipient = {m["To"]: m for m in box.messages}
    assert by_recipient["huda@acme.test"]["Subject"] == "سؤال سريع عن تجربتك"
    assert "ما مدى احتمال أن توصي بنا" in by_recipient["huda@acme.test"].get_content()
    assert by_recipient["sam@acme.test"]["Subject"] == "A quick question about your experience"
    assert token_of(by_recipient["huda@acme.test"]) != token_of(by_recipient["sam@acme.test"])
    sends = store.fetchall("SELECT contact_id, language, touchpoint, expires_at FROM survey_sends ORDER BY contact_id")
    assert sends == [("c1", "ar", "quarterly relationship", NOW + timedelta(days=14)),
                     ("c2", "en", "quarterly relationship", NOW + timedelta(days=14))]


def test_no_contact_is_surveyed_twice_within_the_throttle(store, mailbox):
    box, smtp = mailbox
    seed_contacts(store)
    book = load_surveys().model_copy(update={"contact_limit": ContactLimit(messages=1, days=30)})
    send_survey(store, "relationship-nps", ["c1"], base_url="http://nabd.test", smtp=smtp, now=NOW, book=book)
    # 29 days later (one message in 30 days): c1 is skipped, c2 is new; 31 days later c1 is due again.
    again = send_survey(store, "ticket-csat", ["c1", "c2"], base_url="http://nabd.test", smtp=smtp,
                        now=NOW + timedelta(days=29), book=book)
    assert again.throttled == ["c1"] and len(again.sent) == 1
    later = send_survey(store, "ticket-csat", ["c1"], base_url="http://nabd.test", smtp=smtp,
                        now=NOW + timedelta(days=31), book=book)
    assert len(later.sent) == 1
    assert len(box.messages) == 3  # 1 + 1 + 1


def test_a_contact_without_email_is_reported_not_mailed(store, mailbox):
    box, smtp = mailbox
    seed_contacts(store)
    report = send_survey(store, "relationship-nps", ["c3"], base_url="http://nabd.test", smtp=smtp, now=NOW)
    assert report.without_email == ["c3"] and box.messages == []


def test_an_unreachable_smtp_server_is_one_clear_error(store):
    from nabd.config import SmtpSettings

    seed_contacts(store)
    with pytest.raises(NabdError, match="cannot reach the SMTP server 127.0.0.1:1"):
        send_survey(store, "relationship-nps", ["c1"], base_url="http://x", smtp=SmtpSettings(host="127.0.0.1", port=1))


def test_a_link_answers_once_and_is_then_used(store, mailbox):
    box, smtp = mailbox
    seed_contacts(store)
    send_survey(store, "relationship-nps", ["c1"], base_url="http://nabd.test", smtp=smtp, now=NOW)
    token = token_of(box.messages[0])
    assert open_link(store, token, now=NOW).contact_id == "c1"
    response_id = answer_link(store, token, 3, "الأسعار غالية جداً", now=NOW + timedelta(hours=1))
    row = store.fetchall("SELECT account_id, contact_id, kind, score, touchpoint, language FROM survey_responses "
                         "WHERE response_id = ?", [response_id])
    assert row == [("a1", "c1", "nps", 3, "quarterly relationship", "ar")]
    with pytest.raises(LinkProblem, match="used"):
        answer_link(store, token, 10, "again", now=NOW + timedelta(hours=2))
    assert store.scalar("SELECT count(*) FROM survey_responses") == 1


def test_a_score_off_the_scale_is_refused_and_the_link_stays_unused(store, mailbox):
    box, smtp = mailbox
    seed_contacts(store)
    send_survey(store, "ticket-csat", ["c2"], base_url="http://nabd.test", smtp=smtp, now=NOW)
    token = token_of(box.messages[0])
    with pytest.raises(NabdError, match="a csat score is between 1 and 5, not 6"):
        answer_link(store, token, 6, None, now=NOW)
    assert open_link(store, token, now=NOW).contact_id == "c2"


def test_an_expired_link_names_the_contacts_language(store, mailbox):
    box, smtp = mailbox
    seed_contacts(store)
    send_survey(store, "relationship-nps", ["c1"], base_url="http://nabd.test", smtp=smtp, now=NOW)
    with pytest.raises(LinkProblem) as problem:
        open_link(store, token_of(box.messages[0]), now=NOW + timedelta(days=15))
    assert (problem.value.reason, problem.value.language) == ("expired", "ar")


def test_a_link_sent_before_the_keys_were_rotated_is_invalid_after(store, mailbox):
    box, smtp = mailbox
    seed_contacts(store)
    send_survey(store, "relationship-nps", ["c1"], base_url="http://nabd.test", smtp=smtp, now=NOW)
    token = token_of(box.messages[0])
    assert open_link(store, token, now=NOW).contact_id == "c1"
    rotate_keys(store.url)
    with pytest.raises(LinkProblem, match="invalid"):
        open_link(store, token, now=NOW)
