"""Fixtures of the feedback tests: a local SMTP server that keeps what it receives, and a tiny company.

| account | name         | segment | contacts                                   |
|---------|--------------|---------|--------------------------------------------|
| a1      | Acme Trading | smb     | c1 Huda (ar, huda@acme.test), c2 Sam (en)  |
| a2      | Beta Foods   | ent     | c3 Omar (ar, no e-mail)                    |
"""

from __future__ import annotations

from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from nabd.config import SmtpSettings
from nabd.store import Store
from tests.serving import free_port


class Mailbox:
    """An aiosmtpd handler keeping every message it is sent."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, SmtpSettings]]:
    """A real SMTP server on a loopback port, and the settings that reach it."""
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield box, SmtpSettings(host="127.0.0.1", port=controller.port, sender="cs@nabd.test")
    controller.stop()


def seed_contacts(store: Store) -> None:
    store.execute(
        "INSERT INTO accounts (account_id, name, segment, language) VALUES "
        "('a1', 'Acme Trading', 'smb', 'ar'), ('a2', 'Beta Foods', 'ent', 'ar')"
    )
    store.execute(
        "INSERT INTO contacts (contact_id, account_id, name, email, language) VALUES "
        "('c1', 'a1', 'Huda', 'huda@acme.test', 'ar'), ('c2', 'a1', 'Sam', 'sam@acme.test', 'en'), "
        "('c3', 'a2', 'Omar', NULL, 'ar')"
    )


def link_of(message: EmailMessage) -> str:
    """The survey link in an e-mail's body."""
    body = message.get_content()
    return next(word for word in body.split() if "/survey/" in word)


def token_of(message: EmailMessage) -> str:
    return link_of(message).rsplit("/survey/", 1)[1]
