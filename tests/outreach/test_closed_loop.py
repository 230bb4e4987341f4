"""The promoter/detractor closed loop as the SHIPPED journeys, on DuckDB and PostgreSQL with a real SMTP
server: a promoter (NPS 9-10) gets the thank-you e-mail with the contact's own signed referral link; a
detractor (NPS 0-6) gets the CSM a task to close the loop a week later (the playbook detractor_call gives
the call task on the day); a passive (7-8) enters neither."""

from __future__ import annotations

import re
from datetime import timedelta

from nabd.feedback.links import link_key
from nabd.feedback.throttle import ContactLimit
from nabd.outreach.advance import advance_journeys
from nabd.outreach.journey import Journeys, load_journeys
from nabd.outreach.referrals import referrer
from nabd.playbooks.outbox import deliver
from nabd.playbooks.tasks import task_list
from tests.outreach.conftest import BASE_URL, DAY, NOW, add_account, add_contact

LOOP = ("promoter_referral", "detractor_follow_up")


def _answer(store, response_id: str, account_id: str, contact_id: str, score: int) -> None:
    store.execute("INSERT INTO survey_responses (response_id, account_id, contact_id, kind, score, responded_at) "
                  "VALUES (?, ?, ?, 'nps', ?, ?)", [response_id, account_id, contact_id, score, NOW - timedelta(hours=3)])


def test_promoters_are_invited_to_refer_and_detractors_get_a_csm_task(store, mailbox):
    box, smtp = mailbox
    for account_id, name, contact_id, email, language, score in (
        ("p1", "Palm Co", "cp", "huda@palm.test", "ar", 10), ("d1", "Dune Co", "cd", "sam@dune.test", "en", 3),
        ("m1", "Mid Co", "cm", "mo@mid.test", "en", 8),
    ):
        add_account(store, account_id, name, language)
        add_contact(store, contact_id, account_id, name.split()[0], email, language)
        _answer(store, f"r-{account_id}", account_id, contact_id, score)
    journeys = Journeys(journeys=[j for j in load_journeys().journeys if j.id in LOOP])
    run = advance_journeys(store, DAY, journeys=journeys, base_url=BASE_URL, sender="cs@nabd.test",
                           limit=ContactLimit(messages=3, days=30), now=NOW)
    assert run.entered == {"promoter_referral": 1, "detractor_follow_up": 1}
    assert deliver(store, smtp=smtp, now=NOW + timedelta(hours=1)).sent == 1
    [message] = box.messages
    assert message["To"] == "huda@palm.test" and message["Subject"] == "شكراً لك يا Palm: شاركنا مع زميل"
    text = message.get_body(("plain",)).get_content()
    link = re.search(rf"{BASE_URL}/refer/(\S+)", text).group(1)
    assert referrer(store, link, NOW).contact_id == "cp" and link_key(store)
    assert task_list(store, owner="carla") == []  # the playbook detractor_call calls on the day: no second task
    again = advance_journeys(store, DAY + timedelta(days=1), journeys=journeys, base_url=BASE_URL,
                             sender="cs@nabd.test", limit=ContactLimit(messages=3, days=30), now=NOW + timedelta(days=1))
    assert again.entered == {"promoter_referral": 0, "detractor_follow_up": 0}  # once per answer
    advance_journeys(store, DAY + timedelta(days=7), journeys=journeys, base_url=BASE_URL, sender="cs@nabd.test",
                     limit=ContactLimit(messages=3, days=30), now=NOW + timedelta(days=7))
    tasks = task_list(store, owner="carla")
    assert [(t["account_id"], t["priority"]) for t in tasks] == [("d1", "high")]
    assert tasks[0]["title"].startswith("Close the loop with the detractor at Dune Co (NPS 3 on ")
