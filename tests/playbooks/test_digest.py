"""The morning digest reaches a real SMTP server (aiosmtpd) and a webhook receiver once a day, in the user's language."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from email import message_from_string
from email.policy import default

import pytest
from aiosmtpd.controller import Controller

from nabd.config import SmtpSettings
from nabd.errors import NabdError
from nabd.playbooks.digest import digest_of, queue_digests, set_digest
from nabd.playbooks.outbox import deliver
from nabd.store.clock import utc_now
from tests.playbooks.test_outbox import Mailbox, http_receiver
from tests.serving import free_port
from tests.web.conftest import seed_company


def test_each_user_gets_one_digest_a_morning_in_their_language(store):
    seed_company(store)  # carla: a1 (red) and a3; dan: a2, a4 (red)
    yesterday = utc_now().date() - timedelta(days=1)
    store.execute(
        "INSERT INTO indicator_firings VALUES ('a1', 'usage_drop', ?, ?, ?)",
        [yesterday, json.dumps({"recent_per_week": 44, "baseline_per_week": 80, "change": -0.45}), utc_now()],
    )
    store.execute("UPDATE users SET language = 'ar' WHERE login = 'carla'")
    port, smtp_port = free_port(), free_port()
    set_digest(store, "carla", email="carla@example.com", webhook_url=f"http://127.0.0.1:{port}/hook", enabled=True)
    set_digest(store, "dan", email="dan@example.com", webhook_url=None, enabled=True)
    set_digest(store, "vic", email="vic@example.com", webhook_url=None, enabled=False)  # switched off
    today = utc_now().date()
    assert queue_digests(store, today, now=datetime.combine(today, time(7))) == 2  # both at the default 07:00 UTC
    assert queue_digests(store, today, now=datetime.combine(today, time(8))) == 0  # once a day
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        with http_receiver(port) as received:
            # delivered at 08:00 of the test's day: at the wall clock's 00:30 a digest queued for 07:00 is not yet due
            done = deliver(store, now=datetime.combine(today, time(8)), smtp=SmtpSettings(host="127.0.0.1", port=smtp_port))
    finally:
        controller.stop()
    assert done.sent == 3 and done.failed == 0
    mails = {to[0]: message_from_string(text, policy=default) for to, text in mailbox.messages}
    arabic = mails["carla@example.com"].get_content()
    assert "صندوق المخاطر: 1 إنذارات، 1 حسابات معرضة للخطر" in arabic
    assert "Acme Trading: تراجع الاستخدام، انخفض الاستخدام 45% عن أسبوعه المعتاد" in arabic
    english = mails["dan@example.com"].get_content()
    assert english.startswith("Risk inbox: 0 warnings, 1 at-risk accounts. Tasks: 1 open, 0 overdue.")
    assert "Dune Retail: At-risk band, health score 30 (unhealthy)" in english and "Acme" not in english  # his own only
    assert len(received) == 1 and received[0]["text"].startswith("نبض: صباحك")


DAY = date(2026, 11, 3)


def _digest_users(store) -> None:
    """carla asks for hers at 09:00, dan keeps the default 07:00 (both by e-mail)."""
    seed_company(store)
    set_digest(store, "carla", email="carla@example.com", webhook_url=None, enabled=True, send_hour=9)
    set_digest(store, "dan", email="dan@example.com", webhook_url=None, enabled=True)


def _queued(store) -> list[str]:
    return [row[0] for row in store.fetchall("SELECT target FROM outbox WHERE channel = 'email' ORDER BY target")]


def test_a_run_before_the_users_hour_sends_nothing_and_the_first_run_at_or_after_it_sends_once(store, monkeypatch):
    monkeypatch.delenv("NABD_TIMEZONE", raising=False)  # UTC
    _digest_users(store)
    assert queue_digests(store, DAY, now=datetime(2026, 11, 3, 6, 59)) == 0
    assert queue_digests(store, DAY, now=datetime(2026, 11, 3, 7, 0)) == 1 and _queued(store) == ["dan@example.com"]
    assert queue_digests(store, DAY, now=datetime(2026, 11, 3, 8, 59)) == 0
    assert queue_digests(store, DAY, now=datetime(2026, 11, 3, 9, 30)) == 1
    assert queue_digests(store, DAY, now=datetime(2026, 11, 3, 23, 0)) == 0  # once that day
    assert _queued(store) == ["carla@example.com", "dan@example.com"]
    assert queue_digests(store, DAY + timedelta(days=1), now=datetime(2026, 11, 4, 6, 0)) == 0  # the next morning
    assert queue_digests(store, DAY + timedelta(days=1), now=datetime(2026, 11, 4, 7, 0)) == 1


def test_the_digests_hour_is_in_the_companys_timezone(store, monkeypatch):
    monkeypatch.setenv("NABD_TIMEZONE", "Asia/Riyadh")  # UTC+3: dan's 07:00 is 04:00 UTC, carla's 09:00 06:00 UTC
    _digest_users(store)
    assert queue_digests(store, DAY, now=datetime(2026, 11, 3, 3, 59)) == 0
    assert queue_digests(store, DAY, now=datetime(2026, 11, 3, 4, 0)) == 1
    assert queue_digests(store, DAY, now=datetime(2026, 11, 3, 6, 0)) == 1
    assert _queued(store) == ["carla@example.com", "dan@example.com"]


def test_the_digests_hour_is_kept_when_not_given_and_must_be_0_to_23(store):
    seed_company(store)
    assert digest_of(store, "carla") is None
    set_digest(store, "carla", email="carla@example.com", webhook_url=None, enabled=True)
    assert digest_of(store, "carla")["send_hour"] == 7
    set_digest(store, "carla", email="carla@example.com", webhook_url=None, enabled=True, send_hour=18)
    set_digest(store, "carla", email=None, webhook_url=None, enabled=False)
    assert digest_of(store, "carla")["send_hour"] == 18
    with pytest.raises(NabdError, match="0 to 23"):
        set_digest(store, "carla", email=None, webhook_url=None, enabled=True, send_hour=24)
