"""Deliver the notification outbox: webhooks (JSON, Slack-compatible ``text``) and email over SMTP.

Channels: webhook, email, survey (e-mailed by nabd.feedback.sending with personal links), report
(the monthly report, made when sent: HTML inline, PDF attached; nabd.report.delivery) and message (an
e-mail composed when queued, kept whole in the payload: a journey's, nabd.outreach).
A notification is due when pending and its ``next_attempt_at`` has come. A failed attempt keeps
the error and waits ``backoff(attempts)`` = min(base x 2^(attempts-1), cap) before the next one;
after ``max_attempts`` it is marked failed (visible with ``nabd outbox``). A journey's message to a contact
who unsubscribed since it was queued is marked cancelled, never sent. Rows are written in the
same transaction as their task, so a crash loses none; a crash between sending and recording the
send can repeat one message (at-least-once delivery).
"""

from __future__ import annotations

import json
import smtplib
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import message_from_string, policy
from email.message import EmailMessage

from nabd.config import SmtpSettings, load_settings
from nabd.errors import NabdError
from nabd.report.delivery import report_message
from nabd.store import Store
from nabd.store.clock import utc_now

MAX_ATTEMPTS = 8
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=6)


@dataclass
class Delivery:
    """What one delivery pass did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    cancelled: int = 0
    errors: list[str] = field(default_factory=list)


class Cancelled(Exception):
    """A notification that must not be sent any more (its contact unsubscribed): marked cancelled, not retried."""


def backoff(attempts: int) -> timedelta:
    """Wait after the ``attempts``-th failure: min(BACKOFF_BASE x 2^(attempts-1), BACKOFF_CAP)."""
    return min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_CAP)


def post_webhook(url: str, payload: str, timeout: float = 10.0) -> None:
    """POST the JSON payload; any status outside 2xx is a failure."""
    if not url.startswith(("http://", "https://")):
        raise NabdError(f"webhook URL {url!r} is not http(s)")
    request = urllib.request.Request(
        url, data=payload.encode("utf-8"), method="POST", headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        if not 200 <= response.status < 300:
            raise NabdError(f"webhook answered HTTP {response.status}")


def send_email(smtp: SmtpSettings, to: str, subject: str, text: str, timeout: float = 10.0) -> None:
    """Send one plain-text email to the comma-separated addresses ``to``."""
    message = EmailMessage()
    message["From"] = smtp.sender
    message["To"] = to
    message["Subject"] = subject
    message.set_content(text)
    send_message(smtp, message, timeout)


def send_message(smtp: SmtpSettings, message: EmailMessage, timeout: float = 10.0) -> None:
    """Send one composed e-mail through the configured SMTP server (STARTTLS and login when set)."""
    with smtplib.SMTP(smtp.server, smtp.port, timeout=timeout) as client:
        if smtp.starttls:
            client.starttls()
        if smtp.username:
            client.login(smtp.username, smtp.password or "")
        client.send_message(message)


def _send(store: Store, row: tuple, smtp: SmtpSettings | None, timeout: float) -> None:
    _, channel, target, subject, payload = row
    if channel == "webhook":
        post_webhook(target, payload, timeout)
    elif channel == "survey":
        _send_survey(row, smtp, store)
    elif channel == "email":
        if smtp is None or not smtp.host:
            raise NabdError("email is not configured: set NABD_SMTP_HOST (and NABD_SMTP_PORT, NABD_SMTP_FROM)")
        send_email(smtp, target, subject, json.loads(payload)["text"], timeout)
    elif channel == "message":
        if smtp is None or not smtp.host:
            raise NabdError("email is not configured: set NABD_SMTP_HOST (and NABD_SMTP_PORT, NABD_SMTP_FROM)")
        contact = json.loads(payload).get("contact_id")
        if contact and store.scalar("SELECT count(*) FROM contact_unsubscribes WHERE contact_id = ?", [contact]):
            raise Cancelled("the contact unsubscribed after it was queued")
        send_message(smtp, message_from_string(json.loads(payload)["mime"], policy=policy.default), timeout)
    elif channel == "report":
        if smtp is None or not smtp.host:
            raise NabdError("email is not configured: set NABD_SMTP_HOST (and NABD_SMTP_PORT, NABD_SMTP_FROM)")
        send_message(smtp, report_message(store, smtp.sender, target, subject, json.loads(payload)), timeout)
    else:
        raise NabdError(f"unknown channel {channel!r}")


def _send_survey(row: tuple, smtp: SmtpSettings | None, store: Store) -> None:
    """E-mail the survey to every contact of the account through nabd.feedback (which throttles repeats)."""
    from nabd.feedback.sending import send_survey

    payload = json.loads(row[4])
    contacts = [c for (c,) in store.fetchall(
        "SELECT contact_id FROM contacts WHERE account_id = ? ORDER BY contact_id", [payload["account_id"]]
    )]
    send_survey(store, payload["survey_id"], contacts, base_url=row[2], smtp=smtp)


def _reason(error: Exception) -> str:
    if isinstance(error, urllib.error.HTTPError):
        return f"HTTP {error.code} {error.reason}"
    if isinstance(error, urllib.error.URLError):
        return f"cannot reach the webhook: {error.reason}"
    return f"{type(error).__name__}: {error}"[:500]


def deliver(
    store: Store, *, now: datetime | None = None, smtp: SmtpSettings | None = None, timeout: float = 10.0,
    max_attempts: int = MAX_ATTEMPTS,
) -> Delivery:
    """Send every due notification once; record each success, or the error and the next attempt.

    ``smtp`` defaults to the SMTP settings of nabd.config (the same for alerts and surveys)."""
    now = now or utc_now()
    smtp = smtp or load_settings().smtp
    due = store.fetchall(
        "SELECT notification_id, channel, target, subject, payload, attempts FROM outbox "
        "WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY created_at, notification_id", [now],
    )
    done = Delivery()
    for *row, attempts in due:
        try:
            _send(store, tuple(row), smtp, timeout)
        except Cancelled as cancelled:
            store.execute("UPDATE outbox SET status = 'cancelled', last_error = ? WHERE notification_id = ?",
                          [str(cancelled), row[0]])
            done.cancelled += 1
            continue
        except Exception as error:  # noqa: BLE001 - every failure is recorded on the row, never raised
            tries = attempts + 1
            status = "failed" if tries >= max_attempts else "pending"
            store.execute(
                "UPDATE outbox SET attempts = ?, status = ?, last_error = ?, next_attempt_at = ? "
                "WHERE notification_id = ?", [tries, status, _reason(error), now + backoff(tries), row[0]],
            )
            done.errors.append(f"{row[0]}: {_reason(error)}")
            done.failed += status == "failed"
            done.retrying += status == "pending"
            continue
        store.execute(
            "UPDATE outbox SET attempts = attempts + 1, status = 'sent', sent_at = ?, last_error = NULL "
            "WHERE notification_id = ?", [now, row[0]],
        )
        done.sent += 1
    return done


def outbox_rows(store: Store, status: str | None = None, limit: int = 50) -> list[dict]:
    """Notifications, newest first (optionally of one status), for ``nabd outbox``."""
    where = "WHERE status = ?" if status else ""
    rows = store.fetchall(
        f"SELECT notification_id, channel, target, subject, status, attempts, next_attempt_at, last_error, "
        f"created_at, sent_at FROM outbox {where} ORDER BY created_at DESC, notification_id LIMIT {int(limit)}",
        [status] if status else None,
    )
    names = ("notification_id", "channel", "target", "subject", "status", "attempts", "next_attempt_at",
             "last_error", "created_at", "sent_at")
    return [dict(zip(names, row)) for row in rows]


def retry_failed(store: Store, now: datetime | None = None) -> int:
    """Give every failed notification a fresh set of attempts, due now; returns how many."""
    count = int(store.scalar("SELECT count(*) FROM outbox WHERE status = 'failed'"))
    store.execute(
        "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ? WHERE status = 'failed'",
        [now or utc_now()],
    )
    return count
