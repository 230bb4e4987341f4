"""The one contact limit: no contact gets more than ``messages`` messages in ``days`` days, surveys and
journey e-mails counted together (the view ``contact_messages``), and nothing once unsubscribed.

Survey sending (nabd.feedback.sending) and journeys (nabd.outreach) both ask :func:`unreachable_contacts`
before a send; the limit is ``contact_limit`` of the survey book (surveys.yaml).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field

from nabd.store import Store


class ContactLimit(BaseModel):
    """At most ``messages`` messages to one contact in any ``days`` days (a message counts from when it is sent)."""

    model_config = ConfigDict(extra="forbid")

    messages: int = Field(1, ge=1)
    days: int = Field(30, ge=0)


def unreachable_contacts(
    store: Store, contact_ids: Sequence[str], now: datetime, limit: ContactLimit
) -> dict[str, str]:
    """{contact_id: 'unsubscribed' | 'throttled'} for the contacts of ``contact_ids`` who may not be sent a
    message at ``now``: unsubscribed, or already sent ``limit.messages`` messages in (now - days, now]."""
    if not contact_ids:
        return {}
    marks = ", ".join("?" for _ in contact_ids)
    rows = store.fetchall(
        f"""SELECT c.contact_id,
                   EXISTS (SELECT 1 FROM contact_unsubscribes u WHERE u.contact_id = c.contact_id),
                   (SELECT count(*) FROM contact_messages m WHERE m.contact_id = c.contact_id AND m.sent_at > ?)
            FROM contacts c WHERE c.contact_id IN ({marks})""",
        [now - timedelta(days=limit.days), *contact_ids],
    )
    found: dict[str, str] = {}
    for contact_id, unsubscribed, sent in rows:
        if unsubscribed:
            found[contact_id] = "unsubscribed"
        elif limit.days and sent >= limit.messages:
            found[contact_id] = "throttled"
    return found
