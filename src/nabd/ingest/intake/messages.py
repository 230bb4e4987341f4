"""Segment HTTP Tracking API messages as pydantic models, and the rules a message must meet.

A message is one of track, page, screen, identify or group. Unknown fields are allowed and
ignored, as Segment does. The rules beyond types: a ``messageId`` always (it is the idempotency
key); ``event`` on track; ``userId`` or ``anonymousId`` on track/page/screen; ``userId`` on
identify; ``groupId`` on group; and a time no more than a day ahead of the server's clock.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)

MAX_MESSAGE_BYTES = 32 * 1024
MAX_BATCH_BYTES = 500 * 1024
MAX_FUTURE = timedelta(days=1)
EARLIEST = datetime(1970, 1, 1)
EVENT_KINDS = ("track", "page", "screen")


def _number_as_text(value: Any) -> Any:
    """Segment accepts numeric ids and sends them on as text; booleans are not ids."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


Id = Annotated[str, BeforeValidator(_number_as_text), StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]


class Context(BaseModel):
    """The ``context`` object; only ``groupId`` (the account of a track or identify) matters here."""

    model_config = ConfigDict(extra="allow")
    groupId: Id | None = None


class Message(BaseModel):
    """One Segment message, as in a single call's body or an entry of ``batch``."""

    model_config = ConfigDict(extra="allow")
    type: Literal["track", "page", "screen", "identify", "group"]
    messageId: Id
    userId: Id | None = None
    anonymousId: Id | None = None
    groupId: Id | None = None
    event: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)] | None = None
    name: str | None = None
    timestamp: datetime | None = None
    originalTimestamp: datetime | None = None
    sentAt: datetime | None = None
    context: Context = Field(default_factory=Context)
    properties: dict[str, Any] = Field(default_factory=dict)
    traits: dict[str, Any] = Field(default_factory=dict)


class Refusal(Exception):
    """A message (or request) that breaks a rule; ``field`` names where, ``reason`` says what."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def validate_message(raw: Any, kind: str | None, batch_sent_at: datetime | None, received_at: datetime) -> tuple[Message, datetime]:
    """The message in ``raw`` and its time (naive UTC), or :class:`Refusal` naming the first bad field.

    ``kind`` is the endpoint's type (None in a batch, where each message says its own). The time
    follows Segment: ``timestamp`` as sent; else ``originalTimestamp`` corrected for the sender's
    clock, receivedAt - (sentAt - originalTimestamp); else the time it was received.
    """
    if not isinstance(raw, dict):
        raise Refusal("message", "must be a JSON object")
    if kind is not None:
        raw = {**raw, "type": raw.get("type", kind)}
        if raw["type"] != kind:
            raise Refusal("type", f"is {str(raw['type'])[:40]!r} but this endpoint takes {kind!r} messages")
    try:
        message = Message.model_validate(raw)
    except ValidationError as error:
        problem = error.errors(include_url=False)[0]
        raise Refusal(".".join(str(part) for part in problem["loc"]) or "message", problem["msg"]) from None
    _check_ids(message)
    try:
        return message, _message_time(message, batch_sent_at, received_at)
    except OverflowError:
        raise Refusal("timestamp", "is out of the range of dates Nabd can store") from None


def _check_ids(message: Message) -> None:
    if message.type == "track" and message.event is None:
        raise Refusal("event", "is missing: a track call names its event")
    if message.type in EVENT_KINDS and message.userId is None and message.anonymousId is None:
        raise Refusal("userId", f"is missing: a {message.type} call needs userId or anonymousId")
    if message.type == "identify" and message.userId is None:
        raise Refusal("userId", "is missing: identify names the contact by userId")
    if message.type == "group" and message.groupId is None:
        raise Refusal("groupId", "is missing: group names the account by groupId")


def _naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _message_time(message: Message, batch_sent_at: datetime | None, received_at: datetime) -> datetime:
    sent_at = message.sentAt or batch_sent_at
    if message.timestamp is not None:
        field, moment = "timestamp", _naive_utc(message.timestamp)
    elif message.originalTimestamp is not None:
        field, moment = "originalTimestamp", _naive_utc(message.originalTimestamp)
        if sent_at is not None:
            moment = received_at - (_naive_utc(sent_at) - moment)
    else:
        return received_at
    if moment > received_at + MAX_FUTURE:
        raise Refusal(field, f"{moment.isoformat()} is more than a day ahead of the server's clock (UTC)")
    return _after_1970(moment, field)


def _after_1970(moment: datetime, field: str) -> datetime:
    if moment < EARLIEST:
        raise Refusal(field, f"{moment.isoformat()} is before 1970")
    return moment


def parse_time(value: Any, field: str) -> datetime | None:
    """An optional ISO 8601 time of a request envelope (``sentAt``), as naive UTC."""
    if value is None:
        return None
    try:
        moment = _naive_utc(datetime.fromisoformat(value)) if isinstance(value, str) else _invalid_time(field)
    except (ValueError, OverflowError):
        return _invalid_time(field)
    return _after_1970(moment, field)


def _invalid_time(field: str) -> datetime:
    raise Refusal(field, "is not an ISO 8601 date and time")
