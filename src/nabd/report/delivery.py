"""The monthly report delivered: from the first working day of a month (NABD_WORKING_DAYS, Monday to Friday by
default; Sunday to Thursday in much of the Arab world), the daily run queues last month's report once per
recipient (NABD_REPORT_RECIPIENTS) in the outbox (a run missed that day queues it the next day it runs); the outbox makes it when sending, in the recipient's
language: the HTML inline, the PDF attached, the headline sentences as the plain-text part."""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta
from email.message import EmailMessage
from typing import Any

from nabd.config import load_settings
from nabd.errors import NabdError
from nabd.report.month import report_month
from nabd.report.monthly import monthly_report
from nabd.report.wording import headline_sentence, label, month_name, plain
from nabd.store import Store
from nabd.store.clock import utc_now

CHANNEL = "report"


def notification_id(month: date, address: str, language: str) -> str:
    """One id per month, address and language: queuing again the same month adds nothing."""
    digest = hashlib.sha256(f"{address.lower()}:{language}".encode()).hexdigest()[:16]
    return f"report-{month:%Y-%m}-{digest}"


def first_working_day(day: date, working_days: tuple[int, ...] = (0, 1, 2, 3, 4)) -> date:
    """The first day of ``day``'s month whose weekday (Monday = 0) is in ``working_days``."""
    first = day.replace(day=1)
    return next(first + timedelta(days=k) for k in range(7) if (first + timedelta(days=k)).weekday() in working_days)


def queue_monthly_reports(store: Store, recipients: tuple[tuple[str, str], ...], today: date,
                          working_days: tuple[int, ...] = (0, 1, 2, 3, 4)) -> list[str]:
    """Queue the report of the last closed month before ``today`` for each (address, language) not yet queued,
    from the month's first working day on; returns what it did in one line each (nothing when there are no
    recipients or before that day)."""
    if not recipients or today < first_working_day(today, working_days):
        return []
    try:
        month = report_month(store, None, today)
    except NabdError as error:
        return [f"monthly report not queued: {error}"]
    now, done = utc_now(), []
    for address, language in recipients:
        key = notification_id(month, address, language)
        if store.scalar("SELECT count(*) FROM outbox WHERE notification_id = ?", [key]):
            continue
        subject = f"{label('title', language)}: {month_name(month, language)}"
        store.execute(
            "INSERT INTO outbox (notification_id, channel, target, subject, payload, status, attempts, "
            "next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?)",
            [key, CHANNEL, address, subject, json.dumps({"month": f"{month:%Y-%m}", "language": language}), now, now],
        )
        done.append(f"monthly report {month:%Y-%m} ({language}) queued for {address}")
    return done


def report_message(store: Store, sender: str, to: str, subject: str, payload: dict[str, Any]) -> EmailMessage:
    """The e-mail of a queued report: plain-text headline sentences, the HTML report inline, the PDF attached."""
    language = payload["language"]
    made = monthly_report(store, payload["month"], language, load_settings().reporting_currency)
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    lines = [plain(headline_sentence(h, language)) for h in made.figures["headlines"] if h["change"] is not None]
    message.set_content("\n".join([subject, "", *lines]))
    message.add_alternative(made.html, subtype="html")
    message.add_attachment(made.pdf(), maintype="application", subtype="pdf",
                           filename=f"nabd-report-{made.month:%Y-%m}-{language}.pdf")
    return message
