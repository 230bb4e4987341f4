"""The morning digest reaches a real SMTP server (aiosmtpd) and a webhook receiver once a day, in the user's language."""

from __future__ import annotations

import json
from datetime import timedelta
from email import message_from_string
from email.policy import default

from aiosmtpd.controller import Controller

from nabd.config import SmtpSettings
from nabd.playbooks.digest import queue_digests, set_digest
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
    assert queue_digests(store, today) == 2
    assert queue_digests(store, today) == 0  # once a day
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        with http_receiver(port) as received:
            done = deliver(store, smtp=SmtpSettings(host="127.0.0.1", port=smtp_port))
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
