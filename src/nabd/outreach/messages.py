"""A journey's e-mail to one contact: the template rendered in the contact's language as plain text and
HTML (right to left in Arabic), with a signed unsubscribe link (``/unsubscribe/TOKEN``, also as the
one-click List-Unsubscribe header of RFC 8058), and the signed links of the customer pages.

Unsubscribe and onboarding links are signed like survey links (nabd.feedback.links, HMAC-SHA256 with
NABD_SURVEY_KEY or the key file's), over ``unsubscribe:CONTACT`` or ``onboarding:ACCOUNT`` and an expiry.
"""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta
from email.message import EmailMessage

from nabd.feedback.links import LinkProblem, sign_link, verify_link
from nabd.outreach.journey import EmailStep, jinja

LINK_DAYS = 5 * 365  # unsubscribe and onboarding links keep working for five years
_URL = re.compile(r"(https?://[^\s<>\"]+)")
FOOTER = {
    "en": "You get this e-mail as a contact of {account}. To get no more of these e-mails: {link}",
    "ar": "تصلك هذه الرسالة بصفتك جهة اتصال لدى {account}. لإيقاف هذه الرسائل: {link}",
}


def signed_token(key: bytes, purpose: str, subject: str, now: datetime) -> str:
    """The token of a ``purpose`` link (unsubscribe, onboarding) for ``subject`` (a contact or account id)."""
    return sign_link(key, f"{purpose}:{subject}", now + timedelta(days=LINK_DAYS))


def read_token(key: bytes, purpose: str, token: str, now: datetime) -> str:
    """The contact or account id of a genuine, unexpired ``purpose`` token; LinkProblem otherwise."""
    signed = verify_link(key, token, now)
    kind, _, subject = signed.partition(":")
    if kind != purpose or not subject:
        raise LinkProblem("invalid")
    return subject


def render(template: str, fields: dict[str, object]) -> str:
    """A checked Jinja template filled with ``fields`` (every variable it names is one of them)."""
    return jinja.from_string(template).render(**fields)


def _html(text: str, language: str) -> str:
    """The plain text as HTML: paragraphs at blank lines, links clickable, right to left in Arabic."""
    direction = "rtl" if language == "ar" else "ltr"
    align = "right" if language == "ar" else "left"
    paragraphs = []
    for block in re.split(r"\n\s*\n", text.strip()):
        escaped = html.escape(block).replace("\n", "<br>\n")
        paragraphs.append("<p>" + _URL.sub(r'<a href="\1">\1</a>', escaped) + "</p>")
    return (
        f'<!DOCTYPE html>\n<html lang="{language}" dir="{direction}">\n<head><meta charset="utf-8"></head>\n'
        f'<body dir="{direction}" style="direction:{direction};text-align:{align};font-family:Tahoma,Arial,sans-serif;'
        f'line-height:1.6">\n' + "\n".join(paragraphs) + "\n</body>\n</html>\n"
    )


def compose(
    step: EmailStep, fields: dict[str, object], *, language: str, sender: str, to: str, message_id: str,
) -> EmailMessage:
    """The e-mail of ``step`` for one contact: plain text and HTML alternatives, Content-Language, a
    Message-ID fixed by ``message_id`` (a repeat is recognisable) and the one-click unsubscribe headers."""
    subject = " ".join(render(step.subject.text(language), fields).split())
    body = render(step.body.text(language), fields).strip()
    footer = FOOTER[language].format(account=fields.get("account_name") or "", link=fields["unsubscribe_url"])
    text = f"{body}\n\n--\n{footer}\n"
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    domain = sender.rpartition("@")[2] or "nabd.local"
    message["Message-ID"] = f"<{message_id}@{domain}>"
    message["List-Unsubscribe"] = f"<{fields['unsubscribe_url']}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(text)
    message.add_alternative(_html(text, language), subtype="html")
    message["Content-Language"] = language  # after the body: setting content clears Content-* headers
    return message
