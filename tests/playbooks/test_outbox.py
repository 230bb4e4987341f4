"""Notifications reach a real local HTTP receiver and a real SMTP server; failures retry with backoff."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller

from nabd.config import SmtpSettings
from nabd.playbooks.outbox import backoff, deliver, outbox_rows, retry_failed
from tests.serving import free_port

NOW = datetime(2026, 6, 30, 8, 0)


@contextmanager
def http_receiver(port: int, status: int = 200) -> Iterator[list[dict]]:
    """A local HTTP server on ``port`` that records each POSTed JSON body and answers ``status``."""
    received: list[dict] = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(status)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield received
    finally:
        server.shutdown()
        server.server_close()


class Mailbox:
    """An aiosmtpd handler keeping every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], str]] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8")))
        return "250 OK"


def queue(store, notification_id: str, channel: str, target: str, text: str, subject: str = "Nabd alert") -> None:
    store.execute(
        "INSERT INTO outbox (notification_id, channel, target, subject, payload, status, attempts, "
        "next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?)",
        [notification_id, channel, target, subject, json.dumps({"text": text, "account_id": "a1"}), NOW, NOW],
    )


def status_of(store, notification_id: str) -> tuple:
    return store.fetchall(
        "SELECT status, attempts, next_attempt_at, last_error IS NOT NULL FROM outbox WHERE notification_id = ?",
        [notification_id],
    )[0]


def test_a_webhook_posts_json_with_a_slack_text_field(store):
    port = free_port()
    queue(store, "n1", "webhook", f"http://127.0.0.1:{port}/hook", "Acme is red")
    with http_receiver(port) as received:
        done = deliver(store, now=NOW)
    assert (done.sent, received) == (1, [{"text": "Acme is red", "account_id": "a1"}])
    assert status_of(store, "n1") == ("sent", 1, NOW, False)


def test_an_email_reaches_a_real_smtp_server(store):
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        queue(store, "n1", "email", "carla@example.com,dan@example.com", "Acme scored 40.", subject="Acme is red")
        done = deliver(store, now=NOW, smtp=SmtpSettings("127.0.0.1", controller.port, sender="nabd@example.com"))
    finally:
        controller.stop()
    assert done.sent == 1
    (recipients, content), = mailbox.messages
    assert recipients == ["carla@example.com", "dan@example.com"]
    assert "Subject: Acme is red" in content and "From: nabd@example.com" in content and "Acme scored 40." in content


def test_a_receiver_that_is_down_then_up_gets_the_message_once_after_the_backoff(store):
    port = free_port()  # nothing listens here yet
    queue(store, "n1", "webhook", f"http://127.0.0.1:{port}/hook", "Acme is red")
    first = deliver(store, now=NOW, timeout=2)
    # First failure: attempts 1, next attempt after backoff(1) = 1 minute.
    assert (first.sent, first.retrying) == (0, 1)
    assert status_of(store, "n1") == ("pending", 1, NOW + timedelta(minutes=1), True)
    with http_receiver(port) as received:
        too_soon = deliver(store, now=NOW + timedelta(seconds=30))
        retried = deliver(store, now=NOW + timedelta(minutes=1))
        again = deliver(store, now=NOW + timedelta(minutes=5))
    assert (too_soon.sent, retried.sent, again.sent) == (0, 1, 0)
    assert len(received) == 1
    assert status_of(store, "n1") == ("sent", 2, NOW + timedelta(minutes=1), False)


def test_backoff_doubles_from_one_minute_up_to_six_hours():
    assert [backoff(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert backoff(20) == timedelta(hours=6)


def test_a_notification_failing_every_attempt_is_marked_failed_and_shown_with_its_error(store):
    port = free_port()
    queue(store, "n1", "webhook", f"http://127.0.0.1:{port}/hook", "Acme is red")
    with http_receiver(port, status=500):
        for attempt in range(3):
            deliver(store, now=NOW + timedelta(hours=attempt), max_attempts=3)
    (row,) = outbox_rows(store, "failed")
    assert (row["notification_id"], row["attempts"]) == ("n1", 3)
    assert row["last_error"].startswith("HTTP 500")
    assert retry_failed(store, NOW + timedelta(hours=5)) == 1
    assert status_of(store, "n1")[:2] == ("pending", 0)


def test_email_without_an_smtp_server_configured_is_an_error_on_the_row_not_a_crash(store):
    queue(store, "n1", "email", "carla@example.com", "hi")
    done = deliver(store, now=NOW, smtp=None)
    assert done.retrying == 1 and "NABD_SMTP_HOST" in done.errors[0]


@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://example.com/x"])
def test_a_webhook_url_that_is_not_http_is_refused(store, target):
    queue(store, "n1", "webhook", target, "hi")
    done = deliver(store, now=NOW)
    assert done.sent == 0 and "is not http(s)" in done.errors[0]


def test_a_survey_step_emails_the_survey_to_the_accounts_contacts_through_the_outbox(store, monkeypatch):
    from nabd.health.scorecard import load_scorecard
    from nabd.playbooks.playbook import parse_playbooks
    from nabd.playbooks.runner import run_playbooks
    from tests.playbooks.conftest import AS_OF, add_account, add_score

    monkeypatch.setenv("NABD_PUBLIC_URL", "https://nabd.example.com")
    scorecard = load_scorecard()
    add_account(store, "a1", name="Acme")
    store.execute("INSERT INTO contacts (contact_id, account_id, name, email, language) VALUES "
                  "('c1', 'a1', 'Sara', 'sara@acme.example', 'en'), ('c2', 'a1', 'Omar', NULL, 'ar')")
    add_score(store, "a1", AS_OF, 70, "neutral", scorecard.version)
    rules = parse_playbooks(
        "playbooks:\n  - id: ask\n    name: Ask\n    trigger: {band: neutral}\n"
        "    steps: [{survey: {kind: nps, survey_id: relationship-nps}}]\n"
    )
    run_playbooks(store, rules, AS_OF, scorecard)
    assert store.fetchall("SELECT channel, target FROM outbox") == [("survey", "https://nabd.example.com")]
    assert store.scalar("SELECT count(*) FROM tasks WHERE playbook = 'ask'") == 1  # the CSM's task stays
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        done = deliver(store, smtp=SmtpSettings("127.0.0.1", controller.port))  # queued now: due now
    finally:
        controller.stop()
    assert done.sent == 1, done.errors
    (recipients, content), = mailbox.messages   # Omar has no e-mail address
    assert recipients == ["sara@acme.example"] and "https://nabd.example.com/survey/" in content
    assert store.fetchall("SELECT contact_id FROM survey_sends") == [("c1",)]
