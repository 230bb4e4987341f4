"""Send surveys by e-mail (SMTP) with a personal signed link, within the one contact limit (``contact_limit``
of the survey book, shared with journeys: nabd.feedback.throttle), never to an unsubscribed contact, and
never while a link of the same survey to the contact is still open.

SMTP settings are nabd.config's :class:`SmtpSettings`: NABD_SMTP_HOST (default localhost), NABD_SMTP_PORT
(25), NABD_SMTP_FROM, NABD_SMTP_USER / NABD_SMTP_PASSWORD (optional login), NABD_SMTP_STARTTLS (true = on).
"""

from __future__ import annotations

import smtplib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.message import EmailMessage

from nabd.config import SmtpSettings, load_settings
from nabd.errors import NabdError
from nabd.feedback.links import link_key, sign_link
from nabd.feedback.surveys import Survey, SurveyBook, load_surveys
from nabd.feedback.throttle import unreachable_contacts
from nabd.metrics.active import churned_by
from nabd.store import Store
from nabd.store.clock import utc_now


@dataclass
class SendReport:
    """What one sending run did: links sent (send ids), contacts skipped and why."""

    sent: list[str] = field(default_factory=list)
    throttled: list[str] = field(default_factory=list)
    unsubscribed: list[str] = field(default_factory=list)
    without_email: list[str] = field(default_factory=list)


_SUBJECT = {"en": "A quick question about your experience", "ar": "سؤال سريع عن تجربتك"}
_BODY = {
    "en": "Hello {name},\n\n{question}\n\nAnswer in one click (the link is personal and works once):\n{link}\n\nThank you.",
    "ar": "مرحباً {name}،\n\n{question}\n\nأجب بنقرة واحدة (الرابط شخصي ويعمل مرة واحدة):\n{link}\n\nشكراً لك.",
}


def contacts_due(store: Store, survey: Survey, as_of: date) -> list[str]:
    """Contacts the survey's touchpoint asks about on ``as_of``: after a ticket closed the day
    before; 30 days after the account was created (onboarding); every contact of an active account
    (quarterly relationship); accounts whose last subscription ended in the 7 days before (exit)."""
    day, next_day = datetime.combine(as_of, datetime.min.time()), as_of + timedelta(days=1)
    accounts = {
        "after ticket closed": ("SELECT account_id FROM tickets WHERE closed_at >= ? AND closed_at < ?",
                                [day - timedelta(days=1), day]),
        "after onboarding": ("SELECT account_id FROM accounts WHERE created_at >= ? AND created_at < ?",
                             [day - timedelta(days=30), day - timedelta(days=29)]),
        "quarterly relationship": (  # customers today: an active subscription period (metrics.active.is_active)
            "SELECT account_id FROM subscriptions WHERE start_date <= ? AND (end_date IS NULL OR end_date > ?) "
            "AND account_id IN (SELECT account_id FROM accounts WHERE status = 'active')", [as_of, as_of]),
        "exit survey": ("SELECT account_id FROM subscriptions GROUP BY account_id "
                        "HAVING max(coalesce(end_date, ?)) >= ? AND max(coalesce(end_date, ?)) < ?",
                        [next_day, as_of - timedelta(days=7), next_day, as_of]),
    }[survey.touchpoint]
    rows = store.fetchall(
        f"SELECT contact_id FROM contacts WHERE account_id IN ({accounts[0]}) ORDER BY contact_id", accounts[1]
    )
    return [row[0] for row in rows]


def churned_contacts(store: Store, contact_ids: Sequence[str], as_of: date) -> list[str]:
    """The contacts of ``contact_ids`` whose account was a customer and has no active subscription on ``as_of``
    (churned): a survey to them needs a second thought (``nabd feedback send`` skips them unless told)."""
    if not contact_ids:
        return []
    marks = ", ".join("?" for _ in contact_ids)
    churned = store.ibis.compile(churned_by(store, as_of))  # nabd.metrics.active: the one "churned"
    return [row[0] for row in store.fetchall(
        f"SELECT c.contact_id FROM contacts c WHERE c.contact_id IN ({marks}) "
        f"AND c.account_id IN (SELECT account_id FROM ({churned}) churned) ORDER BY 1",
        list(contact_ids),
    )]


def send_survey(
    store: Store, survey_id: str, contact_ids: Sequence[str], *, base_url: str,
    smtp: SmtpSettings | None = None, book: SurveyBook | None = None, now: datetime | None = None,
) -> SendReport:
    """E-mail ``survey_id`` to each contact within the contact limit and not unsubscribed, each with a
    personal link to ``base_url``/survey/TOKEN; every send is recorded in ``survey_sends``."""
    book = book or load_surveys()
    survey = book.survey(survey_id)
    smtp = smtp or load_settings().smtp
    now = now or utc_now()
    report = SendReport()
    if not contact_ids:
        return report
    marks = ", ".join("?" for _ in contact_ids)
    contacts = store.fetchall(
        f"""SELECT c.contact_id, c.account_id, c.name, c.email, coalesce(c.language, a.language, 'en'),
                   EXISTS (SELECT 1 FROM survey_sends s WHERE s.contact_id = c.contact_id AND s.survey_id = ?
                           AND s.used_at IS NULL AND s.expires_at > ?)
            FROM contacts c LEFT JOIN accounts a ON a.account_id = c.account_id
            WHERE c.contact_id IN ({marks}) ORDER BY c.contact_id""",
        [survey.id, now, *contact_ids],
    )
    unknown = set(contact_ids) - {row[0] for row in contacts}
    if unknown:
        raise NabdError(f"no contact {sorted(unknown)[0]!r} in the database: import contacts first")
    unreachable = unreachable_contacts(store, [row[0] for row in contacts], now, book.contact_limit)
    key = link_key(store)
    expires_at = now + timedelta(days=book.link_days)
    with _smtp_connection(smtp) as connection:
        for contact_id, account_id, name, email, language, open_link in contacts:
            if barred := unreachable.get(contact_id):
                (report.unsubscribed if barred == "unsubscribed" else report.throttled).append(contact_id)
                continue
            if open_link:  # a link of this survey is still open: one is enough (a playbook and a journey may both ask)
                report.throttled.append(contact_id)
                continue
            if not email:
                report.without_email.append(contact_id)
                continue
            language = language if language in ("ar", "en") else "en"
            send_id = uuid.uuid4().hex
            link = f"{base_url.rstrip('/')}/survey/{sign_link(key, send_id, expires_at)}"
            connection.send_message(_message(smtp.sender, email, name or "", language, survey, link))
            store.execute(
                "INSERT INTO survey_sends (send_id, survey_id, kind, touchpoint, account_id, contact_id, "
                "email, language, sent_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [send_id, survey.id, survey.kind, survey.touchpoint, account_id, contact_id, email,
                 language, now, expires_at],
            )
            report.sent.append(send_id)
    return report


def _message(sender: str, to: str, name: str, language: str, survey: Survey, link: str) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, _SUBJECT[language]
    message["Content-Language"] = language
    message.set_content(_BODY[language].format(name=name, question=survey.question.text(language), link=link))
    return message


class _smtp_connection:
    """An open, logged-in SMTP connection, or one clear error naming the server."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    def __enter__(self) -> smtplib.SMTP:
        try:
            self.connection = smtplib.SMTP(self.settings.server, self.settings.port, timeout=30)
            if self.settings.starttls:
                self.connection.starttls()
            if self.settings.username:
                self.connection.login(self.settings.username, self.settings.password or "")
        except (OSError, smtplib.SMTPException) as error:
            raise NabdError(
                f"cannot reach the SMTP server {self.settings.server}:{self.settings.port} ({error}): "
                "check NABD_SMTP_HOST and NABD_SMTP_PORT"
            ) from None
        return self.connection

    def __exit__(self, *exc: object) -> None:
        try:
            self.connection.quit()
        except (OSError, smtplib.SMTPException):
            pass
