"""Personal survey links signed with HMAC-SHA256: ``/survey/<send_id>.<expiry>.<signature>``.

The signature covers the send id and the expiry (Unix seconds), so neither can be changed; the
single use is kept by the store (``survey_sends.used_at``). The key is NABD_SURVEY_KEY, else the
database's key file's (never in the database: nabd.store.signing), so sender and server share it
and `nabd secret rotate` ends every link sent before.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime

from nabd.store import Store
from nabd.store.signing import signing_keys


class LinkProblem(Exception):
    """A survey link that cannot be answered; ``reason`` is invalid, expired or used. A genuine
    link (expired or used) names its send, and the store can tell the contact's ``language``."""

    def __init__(self, reason: str, send_id: str | None = None, language: str | None = None) -> None:
        super().__init__(reason)
        self.reason, self.send_id, self.language = reason, send_id, language


def link_key(store: Store) -> bytes:
    """The HMAC key of survey links (NABD_SURVEY_KEY, else the key file's)."""
    return signing_keys(store.url).survey.encode("utf-8")


def _signature(key: bytes, message: str) -> str:
    digest = hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def sign_link(key: bytes, send_id: str, expires_at: datetime) -> str:
    """The token of the link for ``send_id``, valid until ``expires_at`` (naive UTC)."""
    message = f"{send_id}.{int(expires_at.replace(tzinfo=UTC).timestamp())}"
    return f"{message}.{_signature(key, message)}"


def verify_link(key: bytes, token: str, now: datetime) -> str:
    """The send id of a genuine, unexpired ``token``; LinkProblem("invalid"/"expired") otherwise."""
    message, _, signature = token.rpartition(".")
    send_id, _, expiry = message.rpartition(".")
    if not send_id or not expiry.isdigit() or not hmac.compare_digest(signature, _signature(key, message)):
        raise LinkProblem("invalid")
    if now.replace(tzinfo=UTC).timestamp() >= int(expiry):
        raise LinkProblem("expired", send_id)
    return send_id
